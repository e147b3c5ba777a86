"""A real OpenID provider for the tests (npm package oidc-provider, see oidc_provider/), and a person's
browser that walks between it and the Umsetzungsmonitor by following the real redirects and posting
the provider's own login and consent forms."""

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

PROVIDER_DIR = Path(__file__).with_name("oidc_provider")
PASSWORD = "Passwort-der-Stadtverwaltung-1"
CLIENT_ID = "umsetzungsmonitor"
CLIENT_SECRET = "client-secret-only-for-the-tests-0123456789"
EXPIRED_CLIENT_ID = "umsetzungsmonitor-abgelaufen"
OTHER_CLIENT_ID = "anderer-dienst-der-stadt"
BUERO_GROUP = "umsetzungsmonitor-buero"
REPORTING_GROUP = "umsetzungsmonitor-berichterstattung"


def _account(login, sub, given, family, groups, amr=None):
    return {
        "login": login,
        "password": PASSWORD,
        "amr": amr or ["pwd"],
        "claims": {
            "sub": sub,
            "preferred_username": login,
            "email": f"{login}@rathaus.example",
            "email_verified": True,
            "given_name": given,
            "family_name": family,
            "name": f"{given} {family}",
            "groups": groups,
        },
    }


# The city's directory, as far as the tests need it.
ACCOUNTS = [
    _account("buero.sso", "sub-buero-1", "Berta", "Büro", [BUERO_GROUP, "alle-beschaeftigten"]),
    _account("buero.mfa", "sub-buero-2", "Bodo", "Büro", [BUERO_GROUP], amr=["pwd", "otp", "mfa"]),
    _account("bericht.sso", "sub-bericht-1", "Rita", "Bericht", [REPORTING_GROUP]),
    _account("ohne.rolle", "sub-ohne-1", "Otto", "Ohnerolle", ["alle-beschaeftigten"]),
]


class OpenIDProvider:
    """oidc-provider in a node process on a free loopback port."""

    def __init__(self, site_url: str, log_path: Path):
        node = shutil.which("node")
        if node is None or not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError(f"Node.js and `npm ci` in {PROVIDER_DIR} are needed for the single sign-on tests.")
        client = {
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"{site_url}/oidc/callback/"],
            "post_logout_redirect_uris": [f"{site_url}/oidc/abgemeldet/"],
        }
        config = {
            "clients": [
                {"client_id": CLIENT_ID, **client},
                # Its ID tokens expire five minutes before they are issued.
                {"client_id": EXPIRED_CLIENT_ID, **client, "id_token_ttl": -300},
                # Another application of the city at the same provider.
                {"client_id": OTHER_CLIENT_ID, **client},
            ],
            "accounts": ACCOUNTS,
        }
        config_path = log_path.with_suffix(".json")
        config_path.write_text(json.dumps(config))
        self._log = log_path.open("w")
        self.log_path = log_path
        self.process = subprocess.Popen(  # noqa: S603
            [node, str(PROVIDER_DIR / "provider.mjs"), str(config_path)],
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError(f"oidc-provider did not start:\n{log_path.read_text()}")
        self.issuer = json.loads(line)["issuer"]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def configure(settings, issuer: str):
    """Single sign-on configured as the city would: roles from groups, unknown people refused."""
    settings.OIDC_ISSUER = issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_BUERO_GROUPS = [BUERO_GROUP]
    settings.OIDC_REPORTING_GROUPS = [REPORTING_GROUP]
    settings.OIDC_CREATE_USERS = False
    settings.OIDC_REQUIRE_ROLE = True
    settings.OIDC_PROVIDER_MFA_SUFFICES = False
    return settings


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attributes.get("action", ""), "id": attributes.get("id"), "fields": {}})
        elif tag == "input" and self.forms and attributes.get("name") and attributes.get("type") == "hidden":
            self.forms[-1]["fields"][attributes["name"]] = attributes.get("value", "")


class Page:
    """The page a person sees at the end of a chain of redirects, on either site."""

    def __init__(self, url: str, status: int, text: str, on_site: bool):
        self.url, self.status, self.text, self.on_site = url, status, text, on_site

    def form(self):
        parser = _Forms()
        parser.feed(self.text)
        assert parser.forms, f"no form on {self.url}: {self.text[:500]}"
        return parser.forms[0]


class CityStaffBrowser:
    """One person's browser: the Django test client for the Umsetzungsmonitor (http://testserver),
    a requests session with its own cookies for the provider."""

    SITE = "http://testserver"

    def __init__(self, client):
        self.client = client
        self.provider = requests.Session()
        self.visited = []

    def go(self, url: str, method: str = "GET", data=None) -> Page:
        """Requests ``url`` and follows every redirect, across both sites, like a browser."""
        for _hop in range(20):
            self.visited.append(url)
            if url.startswith(("/", self.SITE)):
                url = url.removeprefix(self.SITE)
                response = self.client.get(url) if method == "GET" else self.client.post(url, data or {})
                status, location, text = response.status_code, response.get("Location"), response.content.decode()
            else:
                response = self.provider.request(method, url, data=data, allow_redirects=False, timeout=10)
                status, location, text = response.status_code, response.headers.get("Location"), response.text
            if status not in (301, 302, 303, 307) or not location:
                return Page(url, status, text, on_site=url.startswith(("/", self.SITE)))
            url, method, data = urljoin(url, location), "GET", None
        raise AssertionError(f"too many redirects: {self.visited}")

    def submit(self, page: Page, **values) -> Page:
        """Posts the page's (first) form with its hidden fields and ``values``, and follows the redirects."""
        form = page.form()
        return self.go(urljoin(page.url, form["action"] or page.url), "POST", {**form["fields"], **values})

    def log_in(self, login: str, password: str = PASSWORD, next_url: str = "") -> Page:
        """„Mit dem Verwaltungskonto anmelden“ on the login page, the provider's login and consent forms."""
        page = self.start(next_url)
        if page.on_site:  # still logged in at the provider: single sign-on without its forms
            return page
        assert "Anmeldung Stadtverwaltung" in page.text, page.text[:500]
        page = self.submit(page, login=login, password=password)
        if "Zustimmung" in page.text:
            page = self.submit(page)
        return page

    def last_state(self) -> str:
        """The state of the most recent authorisation request this browser was sent to."""
        requests_sent = [url for url in self.visited if urlsplit(url).path == "/auth" and "state=" in url]
        return parse_qs(urlsplit(requests_sent[-1]).query)["state"][0]

    def start(self, next_url: str = "") -> Page:
        return self.go("/oidc/anmelden/" + (f"?next={next_url}" if next_url else ""))

    def callback_url(self, login: str, password: str = PASSWORD) -> str:
        """Goes through the provider but stops where it sends the person back with code and state."""
        page = self.start()
        url = urljoin(page.url, page.form()["action"])
        response = self.provider.post(url, data={"login": login, "password": password}, allow_redirects=False)
        while True:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(self.SITE):
                return location
            response = self.provider.get(location, allow_redirects=False, timeout=10)
            if response.status_code == 200:
                form = Page(location, 200, response.text, on_site=False).form()
                url = urljoin(location, form["action"])
                response = self.provider.post(url, data=form["fields"], allow_redirects=False, timeout=10)
