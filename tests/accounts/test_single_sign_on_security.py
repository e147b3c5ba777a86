"""Single sign-on under attack and at its edges, against the real provider: tampered, foreign and
expired ID tokens, state and nonce that do not match, django-axes, logout at the provider, the
8-hour session, and when the provider's second factor counts for the Büro."""

import base64
import json
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from axes.models import AccessAttempt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from accounts.models import SingleSignOnIdentity
from accounts.oidc import mfa
from accounts.oidc.backend import CityStaffBackend
from tests.accounts.openid_provider import CLIENT_ID, EXPIRED_CLIENT_ID, OTHER_CLIENT_ID, CityStaffBrowser
from tests.accounts.test_single_sign_on import _logged_in_user, _prepared_account
from tests.operations.servers import free_port

INVALID = "Die Anmeldung über das Verwaltungskonto konnte nicht bestätigt werden"


def _landed_logged_in(url: str) -> bool:
    """Where a successful single sign-on lands: „Meine Maßnahmen“, or for the Büro, whose provider
    proved no second factor, the step that asks for it first."""
    return url == "/meine-massnahmen/" or url.startswith("/zweiter-faktor/?next=%2Fmeine-massnahmen%2F")


def _refused_as_invalid(page, person):
    assert page.on_site and page.status == 400, (page.url, page.status, page.text[:300])
    assert INVALID in page.text
    assert _logged_in_user(person.client) is None


def _with_callback_state(url, state):
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return f"{parts.path}?{urlencode({**query, 'state': state})}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _elevated(id_token):
    """Otto's real ID token, its subject changed to Berta's; the provider's signature kept."""
    header, payload, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return ".".join([header, _b64(json.dumps({**claims, "sub": "sub-buero-1"}).encode()), signature])


def _foreign_key(id_token):
    """The same claims, signed by someone else's key under the provider's key id."""
    claims = jwt.decode(id_token, options={"verify_signature": False})
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": jwt.get_unverified_header(id_token)["kid"]})


def _unsigned(id_token):
    claims = jwt.decode(id_token, options={"verify_signature": False})
    return ".".join([_b64(b'{"alg":"none","typ":"JWT"}'), _b64(json.dumps(claims).encode()), ""])


@pytest.mark.parametrize("tamper", [_elevated, _foreign_key, _unsigned], ids=["changed", "foreign-key", "alg-none"])
def test_a_tampered_id_token_is_refused(person, oidc, monkeypatch, tamper):
    """Someone between the application and the provider rewrites the ID token (to become Berta)."""
    _prepared_account("buero.sso")
    _prepared_account("ohne.rolle")
    real_get_token = CityStaffBackend.get_token

    def get_token_in_transit(backend, payload):
        tokens = real_get_token(backend, payload)
        return {**tokens, "id_token": tamper(tokens["id_token"])}

    monkeypatch.setattr(CityStaffBackend, "get_token", get_token_in_transit)
    _refused_as_invalid(person.log_in("ohne.rolle"), person)
    assert AccessAttempt.objects.get(username=None).failures_since_start == 1


def test_an_untampered_token_passes_the_same_path(person, oidc, monkeypatch):
    """The counterpart: the same interception, changing nothing, logs Berta in."""
    _prepared_account("buero.sso")
    real_get_token = CityStaffBackend.get_token
    monkeypatch.setattr(CityStaffBackend, "get_token", lambda backend, payload: real_get_token(backend, payload))
    page = person.log_in("buero.sso")
    assert page.status == 200 and _landed_logged_in(page.url)


def test_an_expired_id_token_is_refused(person, oidc):
    oidc.OIDC_RP_CLIENT_ID = EXPIRED_CLIENT_ID  # the provider issues its ID tokens already expired
    _prepared_account("buero.sso")
    _refused_as_invalid(person.log_in("buero.sso"), person)


@pytest.mark.parametrize("back_to_this_application", [True, False])
def test_an_id_token_for_another_client_is_refused(person, oidc, monkeypatch, back_to_this_application):
    """A real login at another application of the city, its code and ID token brought here."""
    _prepared_account("buero.sso")
    oidc.OIDC_RP_CLIENT_ID = OTHER_CLIENT_ID
    monkeypatch.setattr(CityStaffBackend, "OIDC_RP_CLIENT_ID", OTHER_CLIENT_ID)
    callback = person.callback_url("buero.sso")
    if back_to_this_application:
        oidc.OIDC_RP_CLIENT_ID = CLIENT_ID
        _refused_as_invalid(person.go(callback), person)
    else:  # the counterpart: for the client it was issued to, the same token is accepted
        assert _landed_logged_in(person.go(callback).url)


def test_a_state_that_this_browser_did_not_start_is_refused(person, oidc):
    _prepared_account("buero.sso")
    callback = person.callback_url("buero.sso")
    _refused_as_invalid(person.go(_with_callback_state(callback, "ausgedacht")), person)
    assert AccessAttempt.objects.get(username=None).failures_since_start == 1


def test_a_callback_carried_to_another_browser_is_refused(person, oidc):
    _prepared_account("buero.sso")
    callback = person.callback_url("buero.sso")
    other = CityStaffBrowser(Client())
    _refused_as_invalid(other.go(callback), other)


def test_a_callback_replayed_is_refused(person, oidc):
    _prepared_account("buero.sso")
    callback = person.callback_url("buero.sso")
    assert _landed_logged_in(person.go(callback).url)
    person.client.logout()
    _refused_as_invalid(person.go(callback), person)


def test_a_code_from_another_login_is_refused_by_pkce(person, oidc):
    _prepared_account("buero.sso")
    assert "Anmeldung Stadtverwaltung" in person.start().text
    first_state = person.last_state()
    callback = person.callback_url("buero.sso")
    _refused_as_invalid(person.go(_with_callback_state(callback, first_state)), person)


def test_a_nonce_from_another_login_is_refused(person, oidc, caplog):
    """Without PKCE, the nonce alone catches a code from the second login sent with the first one's state."""
    oidc.OIDC_USE_PKCE = False
    _prepared_account("buero.sso")
    person.start()
    first_state = person.last_state()
    callback = person.callback_url("buero.sso")
    _refused_as_invalid(person.go(_with_callback_state(callback, first_state)), person)
    assert "JWT Nonce verification failed" in caplog.text


def test_failed_single_sign_ons_lock_that_address_out_of_single_sign_on(person, oidc, reporter_a):
    _prepared_account("buero.sso")
    for _attempt in range(2):
        _refused_as_invalid(person.go("/oidc/callback/?code=erraten&state=erraten"), person)
    page = person.go("/oidc/callback/?code=erraten&state=erraten")  # the third: AXES_FAILURE_LIMIT in these tests
    assert page.status == 429 and "Anmeldung vorübergehend gesperrt" in page.text
    response = person.client.get("/oidc/anmelden/")
    assert response.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in response.content.decode()
    assert not person.provider.cookies, "the person was not even sent to the provider"
    # Password logins from the same address keep their own count per user name.
    response = person.client.post("/anmelden/", {"username": "reporter-a", "password": "ein-sicheres-Passwort-123"})
    assert response.status_code == 302


def test_a_user_name_locked_by_wrong_passwords_is_locked_for_single_sign_on_too(person, oidc):
    rita = _prepared_account("bericht.sso")
    for _attempt in range(3):
        person.client.post("/anmelden/", {"username": "bericht.sso", "password": "geraten"})
    assert AccessAttempt.objects.get(username="bericht.sso").failures_since_start == 3
    page = person.log_in("bericht.sso")
    assert page.on_site and page.status == 429
    assert "Anmeldung vorübergehend gesperrt" in page.text
    assert _logged_in_user(person.client) is None
    assert not SingleSignOnIdentity.objects.filter(user=rita).exists()


def test_refused_single_sign_ons_count_for_that_user_name(person, oidc):
    for _attempt in range(2):
        assert person.log_in("ohne.rolle").status == 403
    assert AccessAttempt.objects.get(username="ohne.rolle").failures_since_start == 2
    page = person.log_in("ohne.rolle")  # the third reaches AXES_FAILURE_LIMIT
    assert page.status == 429 and "Anmeldung vorübergehend gesperrt" in page.text
    response = person.client.post("/anmelden/", {"username": "ohne.rolle", "password": "irgendeins"})
    assert response.status_code == 429, "the lock holds for the password form too"


def test_a_password_post_with_code_and_state_in_the_address_stays_a_password_login(client, oidc, reporter_a):
    response = client.post("/anmelden/?code=erraten&state=erraten", {"username": "reporter-a", "password": "falsch"})
    assert response.status_code == 200
    assert "Benutzername und Passwort passen nicht zusammen" in response.content.decode()


def test_single_sign_on_sessions_last_eight_hours_and_end_with_the_browser(person, oidc):
    _prepared_account("buero.sso")
    person.log_in("buero.sso")
    session = person.client.session
    assert session.get_expiry_age() == 8 * 60 * 60
    assert session.get_expire_at_browser_close() is True
    cookie = person.client.cookies["sessionid"]
    assert not cookie["max-age"] and not cookie["expires"], "a browser-session cookie"


def test_logout_ends_the_session_here_and_at_the_provider(person, oidc):
    _prepared_account("buero.sso")
    person.log_in("buero.sso")
    # While the provider's session lasts, a new login needs no password there (single sign-on).
    assert _landed_logged_in(person.start().url)
    response = person.client.post("/abmelden/")
    assert response.status_code == 302
    end_session = urlsplit(response["Location"])
    assert end_session.path == "/session/end"
    assert parse_qs(end_session.query)["post_logout_redirect_uri"] == ["http://testserver/oidc/abgemeldet/"]
    assert "id_token_hint" in parse_qs(end_session.query)
    assert _logged_in_user(person.client) is None
    assert person.client.get("/meine-massnahmen/").status_code == 302
    page = person.go(response["Location"])
    assert "Abmelden (Test)" in page.text
    page = person.submit(page, logout="yes")
    assert (page.url, page.status) == ("/", 200)
    # The provider asks for the password again: its session has ended too.
    assert "Anmeldung Stadtverwaltung" in person.start().text


def test_logout_after_a_password_login_stays_local(client, oidc, reporter_a):
    client.post("/anmelden/", {"username": "reporter-a", "password": "ein-sicheres-Passwort-123"})
    response = client.post("/abmelden/")
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/meine-massnahmen/").status_code == 302


@pytest.mark.parametrize(
    ("login", "operator_trusts", "counts"),
    [
        ("buero.mfa", True, True),
        ("buero.mfa", False, False),  # the operator has not declared the provider's MFA sufficient
        ("buero.sso", True, False),  # the provider says only "pwd"
    ],
)
def test_provider_mfa_replaces_totp_only_when_configured_and_proven(person, oidc, login, operator_trusts, counts):
    oidc.OIDC_PROVIDER_MFA_SUFFICES = operator_trusts
    _prepared_account(login)
    person.log_in(login)
    assert _logged_in_user(person.client).is_buero
    assert mfa.provider_mfa_counts(SimpleNamespace(session=person.client.session)) is counts
    # The admin opens with the provider's second factor only where it counts; otherwise the app.
    response = person.client.get("/admin/")
    if counts:
        assert response.status_code == 200
        assert "Verwaltung des Integrationskonzepts" in response.content.decode()
    else:
        assert response.status_code == 302 and response["Location"].startswith("/zweiter-faktor/")


def test_a_password_login_never_counts_as_provider_mfa(client, oidc, buero_user):
    oidc.OIDC_PROVIDER_MFA_SUFFICES = True
    client.post("/anmelden/", {"username": "buero-admin", "password": "ein-sicheres-Passwort-123"})
    session = client.session
    session[mfa.SESSION_KEY] = True  # even with a stale flag from an earlier single sign-on
    assert mfa.provider_mfa_counts(SimpleNamespace(session=session)) is False


def test_mfa_rule_reads_amr_and_the_configured_acr(settings):
    settings.OIDC_MFA_AMR_VALUES = ["mfa"]
    settings.OIDC_MFA_ACR_VALUES = ["urn:potsdam:2fa"]
    assert mfa.id_token_proves_mfa({"amr": ["pwd", "mfa"]})
    assert mfa.id_token_proves_mfa({"amr": ["pwd"], "acr": "urn:potsdam:2fa"})
    assert not mfa.id_token_proves_mfa({"amr": ["pwd"], "acr": "0"})
    assert not mfa.id_token_proves_mfa({})


def test_a_provider_out_of_reach_gives_a_german_message(client, oidc):
    oidc.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    response = client.get("/oidc/anmelden/")
    assert response.status_code == 503
    assert "Der Anmeldedienst der Stadtverwaltung ist gerade nicht erreichbar" in response.content.decode()


def test_a_login_cancelled_at_the_provider_is_explained_and_not_counted(person, oidc):
    person.start()
    page = person.go(f"/oidc/callback/?error=access_denied&state={person.last_state()}")
    assert page.status == 403
    assert "Die Anmeldung wurde beim Anmeldedienst abgebrochen oder abgelehnt." in page.text
    assert not AccessAttempt.objects.exists()
