"""Start and finish a single sign-on, and log out at the provider too.

How django-axes counts a failed single sign-on: every callback that does not end in a login sends
Django's ``user_login_failed`` signal, which django-axes records like a wrong password:
- when the provider confirmed who it is (unknown person, no role, locked, deactivated, local
  account), under that person's user name: it counts toward the same lock as wrong passwords for
  that name from that address, and a lock earned either way refuses both ways;
- when nothing could be trusted (unknown or replayed state, wrong nonce, tampered, expired or
  foreign ID token, rejected code), under no user name: after AXES_FAILURE_LIMIT such failures
  single sign-on from that address is locked for AXES_COOLOFF_HOURS (password logins from there
  keep their own count per user name).
A login cancelled at the provider and a provider that cannot be reached are not counted.
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc import views as oidc_views

from . import mfa, provider
from .backend import CityStaffBackend, LoginRefused

log = logging.getLogger(__name__)

ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105 - a session key, not a secret

# reason: (HTTP status, message); the reasons come from the backend's LoginRefused and this module.
FAILURES = {
    "invalid": (
        400,
        _(
            "Die Anmeldung über das Verwaltungskonto konnte nicht bestätigt werden (ungültige oder abgelaufene "
            "Antwort des Anmeldedienstes). Bitte beginnen Sie die Anmeldung noch einmal."
        ),
    ),
    "unknown": (
        403,
        _(
            "Für Ihr Verwaltungskonto gibt es im Umsetzungsmonitor keinen Zugang. Bitte wenden Sie sich an das "
            "Büro für Chancengleichheit und Vielfalt."
        ),
    ),
    "no_role": (
        403,
        _(
            "Ihr Verwaltungskonto hat keine Rolle im Umsetzungsmonitor (Büro oder Berichterstattung). Bitte "
            "wenden Sie sich an das Büro für Chancengleichheit und Vielfalt."
        ),
    ),
    "local_account": (
        403,
        _(
            "Unter Ihrem Benutzernamen gibt es bereits ein Konto mit Passwort. Das Büro für Chancengleichheit "
            "und Vielfalt kann es für die Anmeldung über das Verwaltungskonto freigeben."
        ),
    ),
    # Normally replaced by django-axes' lockout page (its middleware sees the lock).
    "locked": (429, _("Die Anmeldung ist vorübergehend gesperrt. Bitte versuchen Sie es später noch einmal.")),
    "inactive": (403, _("Dieses Konto ist deaktiviert. Bitte wenden Sie sich an das Büro.")),
    "no_username": (
        403,
        _("Der Anmeldedienst hat keinen Benutzernamen übermittelt. Bitte wenden Sie sich an die IT der Stadt."),
    ),
    "cancelled": (403, _("Die Anmeldung wurde beim Anmeldedienst abgebrochen oder abgelehnt.")),
    "unavailable": (
        503,
        _("Der Anmeldedienst der Stadtverwaltung ist gerade nicht erreichbar. Bitte versuchen Sie es später."),
    ),
}
NOT_COUNTED = {"cancelled", "unavailable"}


def _require_configured():
    if not provider.is_configured():
        raise Http404("single sign-on is not configured")


def _failure(request, reason: str, username: str | None = None) -> HttpResponse:
    log.warning("single sign-on failed: %s (user name %r)", reason, username)
    if reason not in NOT_COUNTED:
        user_login_failed.send(sender=CityStaffBackend, credentials={"username": username}, request=request)
    status, message = FAILURES[reason]
    # When this failure reached the limit, django-axes' middleware replaces the page by its lockout page.
    return render(request, "registration/oidc_failed.html", {"message": message}, status=status)


class LoginView(oidc_views.OIDCAuthenticationRequestView):
    """„Mit dem Verwaltungskonto anmelden“: off to the provider with state, nonce and PKCE."""

    def __init__(self, **kwargs):
        # The library reads the endpoint here; it comes from discovery, in get().
        oidc_views.View.__init__(self, **kwargs)

    def get(self, request):
        _require_configured()
        credentials = {"username": None}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return get_lockout_response(request, None, credentials)
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider.configuration()["authorization_endpoint"]
        except provider.ProviderUnavailable:
            return _failure(request, "unavailable")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(oidc_views.OIDCAuthenticationCallbackView):
    """The provider sends the person back here with a code; the backend checks it."""

    def get(self, request):
        _require_configured()
        try:
            return super().get(request)
        except LoginRefused as refusal:
            return _failure(request, refusal.reason, refusal.username)
        except (SuspiciousOperation, jwt.InvalidTokenError, requests.HTTPError) as error:
            # Unknown state, wrong nonce, bad signature, expired token, code rejected by the provider.
            log.warning("single sign-on: %s: %s", type(error).__name__, error)
            return _failure(request, "invalid")
        except (requests.RequestException, provider.ProviderUnavailable) as error:
            log.warning("single sign-on: provider unreachable: %s", error)
            return _failure(request, "unavailable")

    def login_failure(self):
        request = self.request
        if getattr(request, "axes_locked_out", False):
            # django-axes refused before the code was used and already counted it; its middleware answers.
            return HttpResponse(status=429)
        if request.GET.get("error"):
            return _failure(request, "cancelled")
        return _failure(request, "invalid")

    def login_success(self):
        response = super().login_success()
        # Written after the login rotated the session: the ID token for logging out at the provider,
        # and what it proved about the second factor.
        login = self.user.oidc_login
        self.request.session[ID_TOKEN_SESSION_KEY] = login["id_token"]
        self.request.session[mfa.SESSION_KEY] = login[mfa.SESSION_KEY]
        return response


def provider_logout_url(request) -> str | None:
    """The provider's end-session address for this session (RP-Initiated Logout), if there is one."""
    if request.session.get(BACKEND_SESSION_KEY) != provider.BACKEND_PATH or not provider.is_configured():
        return None
    try:
        endpoint = provider.configuration().get("end_session_endpoint")
    except provider.ProviderUnavailable:
        return None
    if not endpoint:
        return None
    parameters = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("oidc:logged_out")),
    }
    if id_token := request.session.get(ID_TOKEN_SESSION_KEY):
        parameters["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(parameters)}"


class LogoutView(auth_views.LogoutView):
    """Ends the local session, and after a single sign-on the provider's too, where it offers that."""

    def post(self, request, *args, **kwargs):
        at_provider = provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_provider) if at_provider else response


def logged_out(request):
    """Where the provider sends the person after logging out there (registered as post-logout URI)."""
    return redirect(settings.LOGOUT_REDIRECT_URL)
