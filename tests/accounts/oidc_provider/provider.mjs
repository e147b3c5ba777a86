// A real OpenID provider for the single sign-on tests: panva's certified oidc-provider, on a free
// loopback port, with its own login and consent pages standing in for the city's directory.
//
//   node provider.mjs CONFIG.json
//
// CONFIG: { clients: [{client_id, client_secret, redirect_uris, post_logout_redirect_uris,
//           id_token_ttl?}], accounts: [{login, password, claims: {sub, ...}, amr?, acr?}] }
// Prints one JSON line {"issuer": "http://127.0.0.1:PORT"} on stdout once it accepts requests.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = new Map(config.accounts.map((account) => [account.claims.sub, account]));
// A negative lifetime makes a client's ID tokens arrive already expired (as with a skewed clock).
const idTokenTtl = new Map(config.clients.map((client) => [client.client_id, client.id_token_ttl ?? 3600]));

const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;

function send(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: `test-${randomBytes(4).toString('hex')}`,
  alg: 'RS256',
  use: 'sig',
};

function loginForm(uid, message = '') {
  return page('Anmeldung Stadtverwaltung (Test)', `${message ? `<p role="alert">${escapeHtml(message)}</p>` : ''}
    <form method="post" action="/interaction/${uid}/login">
      <label for="login">Benutzername</label> <input id="login" name="login" autocomplete="username">
      <label for="password">Passwort</label> <input id="password" name="password" type="password" autocomplete="current-password">
      <button type="submit">Anmelden</button>
    </form>`);
}

function consentForm(uid, clientId) {
  return page('Zustimmung (Test)', `<p>${escapeHtml(clientId)} möchte Ihre Kontodaten lesen.</p>
    <form method="post" action="/interaction/${uid}/confirm"><button type="submit">Zustimmen</button></form>`);
}

async function interaction(provider, req, res, uid, step) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page('Falsche Anfrage', ''));
  const { prompt, params, session } = details;
  if (req.method === 'GET') {
    return prompt.name === 'login'
      ? send(res, 200, loginForm(uid))
      : send(res, 200, consentForm(uid, params.client_id));
  }
  const form = await readForm(req);
  if (step === 'login') {
    const account = [...accounts.values()].find((candidate) => candidate.login === form.get('login'));
    if (!account || account.password !== form.get('password')) {
      return send(res, 200, loginForm(uid, 'Benutzername oder Passwort ist falsch.'));
    }
    const login = { accountId: account.claims.sub, amr: account.amr ?? ['pwd'] };
    if (account.acr) login.acr = account.acr;
    return provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
  }
  if (step === 'confirm') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return send(res, 404, page('Nicht gefunden', ''));
}

let provider;
const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm))?$/.exec(new URL(req.url, 'http://x').pathname);
  if (!match) return provider.callback()(req, res);
  interaction(provider, req, res, match[1], match[2]).catch((error) => {
    send(res, 400, page('Fehler', `<p>${escapeHtml(error.message)}</p>`));
  });
});

server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  provider = new Provider(issuer, {
    clients: config.clients.map(({ id_token_ttl: _ttl, ...client }) => client),
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      return account && { accountId: sub, claims: () => account.claims };
    },
    claims: {
      // Like the directories of city administrations: how the person logged in is always in the ID token.
      openid: ['sub', 'amr', 'acr', 'auth_time'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      groups: ['groups'],
      sid: null,
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    interactions: { url: (_ctx, interactionSession) => `/interaction/${interactionSession.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = page('Abmelden (Test)', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Abmelden</button>`);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = page('Abgemeldet (Test)', '');
        },
      },
    },
    ttl: {
      IdToken: (_ctx, _token, client) => idTokenTtl.get(client.clientId),
    },
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Fehler', `<p>${escapeHtml(out.error)}: ${escapeHtml(out.error_description ?? '')}</p>`);
    },
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
