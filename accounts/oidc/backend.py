"""The authentication backend for single sign-on: mozilla-django-oidc's code flow, made stricter.

On top of the library (signature with the provider's published keys, ``exp``, nonce, PKCE):
- the ID token must come from the configured issuer and be meant for this client (``iss``, ``aud``,
  ``azp``), and the userinfo must describe the same subject;
- people are found by the link issuer + subject (``SingleSignOnIdentity``); at the first login by
  the user-name claim, and only to an account the Büro prepared without a password, so that a
  directory name can never take over the local account of a welfare organisation;
- the roles follow the configured groups; units stay with the Büro;
- a person locked out by django-axes is refused here as on the password form.

Refusals raise ``LoginRefused``, which the callback view turns into a German page and one failed
attempt for django-axes.
"""

import logging

import jwt
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts import roles
from accounts.models import SingleSignOnIdentity

from . import mfa, provider

log = logging.getLogger(__name__)


class LoginRefused(Exception):
    """A login the provider confirmed, or tried to, that this application does not accept."""

    def __init__(self, reason: str, username: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.username = username


class CityStaffBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # The library reads every endpoint here; they come from discovery, on first use instead.
        self.UserModel = get_user_model()

    OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_RP_CLIENT_ID(self):
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self):
        return settings.OIDC_RP_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self):
        return settings.OIDC_RP_SIGN_ALGO

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):
        return provider.configuration()["token_endpoint"]

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):
        return provider.configuration()["jwks_uri"]

    @property
    def OIDC_OP_USER_ENDPOINT(self):
        return provider.configuration().get("userinfo_endpoint")

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; never answer the password form (its query string
        # could carry a made-up code and state).
        if not provider.is_configured() or request is None or "nonce" not in kwargs or "password" in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        header = jwt.get_unverified_header(token)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO or not header.get("kid"):
            # Checked before the library looks up the key, which expects both (alg "none", no key id).
            raise SuspiciousOperation(f"ID token header {header!r} does not match the configuration")
        payload = super().verify_token(token, **kwargs)
        # OpenID Connect Core 1.0, 3.1.3.7: issuer, audience and authorised party must match.
        if payload.get("iss") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("ID token from another issuer")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        client_id = settings.OIDC_RP_CLIENT_ID
        if client_id not in audiences:
            raise SuspiciousOperation("ID token for another client")
        if len(audiences) > 1 and payload.get("azp") != client_id:
            raise SuspiciousOperation("ID token with several audiences but another authorised party")
        if "exp" not in payload or "sub" not in payload:
            raise SuspiciousOperation("ID token without exp or sub")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        if not self.OIDC_OP_USER_ENDPOINT:
            return dict(payload)
        userinfo = super().get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 1.0, 5.3.2: the userinfo must be about the subject of the ID token.
        if userinfo.get("sub") != payload["sub"]:
            raise SuspiciousOperation("userinfo about another subject")
        return {**payload, **userinfo}

    def store_tokens(self, access_token, id_token):
        # Kept on the view's behalf until the login has rotated the session (see views).
        self.id_token = id_token

    def get_or_create_user(self, access_token, id_token, payload):
        try:
            claims = self.get_userinfo(access_token, id_token, payload)
        except SuspiciousOperation as error:
            # Raised on, so that the library does not turn it into a silent None.
            raise LoginRefused("invalid") from error
        identity = (
            SingleSignOnIdentity.objects.select_related("user")
            .filter(issuer=settings.OIDC_ISSUER, subject=payload["sub"])
            .first()
        )
        user = identity.user if identity else self._prepared_account(claims)
        username = user.username if user else self._claimed_username(claims)
        if not AxesProxyHandler.is_allowed(self.request, {"username": username}):
            raise LoginRefused("locked", username)
        if user is not None and not user.is_active:
            raise LoginRefused("inactive", username)
        role_names = self._roles(claims, user)
        if not role_names and settings.OIDC_REQUIRE_ROLE:
            raise LoginRefused("no_role", username)
        if user is None and not settings.OIDC_CREATE_USERS:
            raise LoginRefused("unknown", username)
        with transaction.atomic():
            user = self._save(user, username, claims, role_names)
            if identity is None:
                SingleSignOnIdentity.objects.create(user=user, issuer=settings.OIDC_ISSUER, subject=payload["sub"])
        log.info("single sign-on of %s with roles %s", username, sorted(role_names))
        user.oidc_login = {"id_token": self.id_token, mfa.SESSION_KEY: mfa.id_token_proves_mfa(payload)}
        return user

    def _claimed_username(self, claims) -> str:
        username = claims.get(settings.OIDC_USERNAME_CLAIM)
        if not isinstance(username, str) or not username.strip() or len(username) > 150:
            raise LoginRefused("no_username")
        return username.strip()

    def _prepared_account(self, claims):
        """The account the Büro prepared for this person's first single sign-on, if any."""
        username = self._claimed_username(claims)
        user = self.UserModel.objects.filter(username__iexact=username).first()
        if user is None:
            return None
        if user.has_usable_password() or SingleSignOnIdentity.objects.filter(user=user).exists():
            # A local account, or one linked to another directory account: never taken over.
            raise LoginRefused("local_account", user.username)
        return user

    def _roles(self, claims, user) -> set[str]:
        """The person's roles after this login: the provider's for managed roles, the Büro's for the rest."""
        values = claims.get(settings.OIDC_ROLE_CLAIM) or []
        values = {values} if isinstance(values, str) else {str(value) for value in values}
        mapping = {roles.BUERO: settings.OIDC_BUERO_GROUPS, roles.REPORTING: settings.OIDC_REPORTING_GROUPS}
        managed = {role for role, groups in mapping.items() if groups}
        granted = {role for role, groups in mapping.items() if values & set(groups)}
        current = set(user.groups.filter(name__in=mapping).values_list("name", flat=True)) if user else set()
        return (current - managed) | granted

    def _save(self, user, username, claims, role_names):
        if user is None:
            user = self.UserModel(username=username)
            # No password: this account logs in through the provider only.
            user.set_unusable_password()
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        user.email = str(claims.get("email") or user.email)[:254]
        if settings.OIDC_BUERO_GROUPS and not user.is_superuser:
            # The admin asks for is_staff; it follows the Büro role where the provider manages it.
            user.is_staff = roles.BUERO in role_names
        user.save()
        user.groups.remove(*Group.objects.filter(name__in=[roles.BUERO, roles.REPORTING]).exclude(name__in=role_names))
        user.groups.add(*Group.objects.filter(name__in=role_names))
        return user
