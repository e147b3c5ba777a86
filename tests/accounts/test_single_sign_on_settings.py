"""Single sign-on is configured by environment only; a half or unsafe configuration stops the start."""

import ast
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

SHOW = (
    "import integration.settings as s; print(repr((s.OIDC_ISSUER, s.OIDC_RP_CLIENT_ID, s.OIDC_RP_SCOPES, "
    "s.OIDC_BUERO_GROUPS, s.OIDC_REPORTING_GROUPS, s.OIDC_CREATE_USERS, s.OIDC_REQUIRE_ROLE, "
    "s.OIDC_PROVIDER_MFA_SUFFICES, s.OIDC_TOKEN_USE_BASIC_AUTH)))"
)
COMPLETE = {
    "OIDC_ISSUER": "https://anmeldung.potsdam.example/realms/verwaltung",
    "OIDC_CLIENT_ID": "umsetzungsmonitor",
    "OIDC_CLIENT_SECRET": "geheim",
}


def _settings_with(code=SHOW, **environment):
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("OIDC_", "DJANGO_"))}
    return subprocess.run(  # noqa: S603 - the project's own settings, fixed arguments
        [sys.executable, "-c", code],
        env={**clean, **environment},
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
    )


def test_every_value_comes_from_the_environment():
    result = _settings_with(
        **COMPLETE,
        OIDC_SCOPES="openid email profile groups",
        OIDC_BUERO_GROUPS="umsetzungsmonitor-buero, gleichstellung",
        OIDC_REPORTING_GROUPS="umsetzungsmonitor-berichterstattung",
        OIDC_CREATE_USERS="true",
        OIDC_REQUIRE_ROLE="false",
        OIDC_PROVIDER_MFA_SUFFICES="true",
        OIDC_TOKEN_AUTH_METHOD="client_secret_post",
    )
    assert result.returncode == 0, result.stderr
    assert ast.literal_eval(result.stdout) == (
        "https://anmeldung.potsdam.example/realms/verwaltung",
        "umsetzungsmonitor",
        "openid email profile groups",
        ["umsetzungsmonitor-buero", "gleichstellung"],
        ["umsetzungsmonitor-berichterstattung"],
        True,
        False,
        True,
        False,
    )


def test_defaults_refuse_unknown_people_and_keep_totp():
    result = _settings_with()
    assert result.returncode == 0, result.stderr
    assert ast.literal_eval(result.stdout) == ("", "", "openid email profile", [], [], False, True, False, True)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"OIDC_ISSUER": COMPLETE["OIDC_ISSUER"]}, "missing: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET"),
        ({**COMPLETE, "OIDC_SCOPES": "email"}, "OIDC_SCOPES must contain 'openid'"),
        ({**COMPLETE, "OIDC_SIGN_ALGO": "HS256"}, "OIDC_SIGN_ALGO must be an RS, PS or ES algorithm"),
        ({**COMPLETE, "OIDC_CREATE_USERS": "vielleicht"}, "OIDC_CREATE_USERS must be a boolean"),
        ({**COMPLETE, "OIDC_TOKEN_AUTH_METHOD": "none"}, "OIDC_TOKEN_AUTH_METHOD must be"),
        (
            {
                **COMPLETE,
                "OIDC_ISSUER": "http://anmeldung.potsdam.example",
                "DJANGO_DEBUG": "false",
                "DJANGO_SECRET_KEY": "geheim-" + "abcdefghij" * 6,
                "DJANGO_ALLOWED_HOSTS": "monitor.example",
            },
            "OIDC_ISSUER must be an https:// address",
        ),
    ],
)
def test_a_half_or_unsafe_configuration_stops_the_start(environment, message):
    result = _settings_with(**environment)
    assert result.returncode != 0
    assert message in result.stderr


def test_logging_out_may_continue_at_the_provider():
    """The logout form redirects to the provider; the browser checks that against form-action."""
    code = "import integration.settings as s; print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    result = _settings_with(code, **COMPLETE)
    assert result.returncode == 0, result.stderr
    assert ast.literal_eval(result.stdout) == ["'self'", "https://anmeldung.potsdam.example"]
