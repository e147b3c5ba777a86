"""Forms of the login, the second factor and the password change."""

from axes.helpers import get_cache_timeout, get_failure_limit
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, user_login_failed
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.core.cache import cache
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import guessing, second_factor, security_log
from .lockout import cool_off_text

CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "none", "spellcheck": "false"}
)


def time_text(moment) -> str:
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return formats.time_format(local, "H:i")
    return formats.date_format(local, "j. F Y, H:i")


class LoginForm(AuthenticationForm):
    """Django's login form with clear German messages and the per-account limit (accounts.guessing).

    ``code`` only appears when the account waits after many wrong passwords: with a valid code of
    the second factor, the correct password is accepted at once.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Benutzername und Passwort passen nicht zusammen. Groß- und Kleinschreibung zählen."),
        "invalid_login_or_code": _("Benutzername, Passwort und Bestätigungscode passen nicht zusammen."),
    }

    code = forms.CharField(
        label=_("Bestätigungscode"),
        required=False,
        max_length=32,
        widget=CODE_WIDGET,
        help_text=_("Sechs Ziffern aus Ihrer Authenticator-App oder einer Ihrer Wiederherstellungscodes."),
    )

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.asks_for_code = False
        self.waiting = False

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        code = second_factor.normalize(self.cleaned_data.get("code", ""))
        if not (username and password):
            return self.cleaned_data
        guard = guessing.guard_for(username, self.request)
        if guard.waiting and not code:
            self.asks_for_code = self.waiting = True
            security_log.record(
                "login_account_waiting",
                "Anmeldung wegen vieler Fehlversuche verzögert",
                request=self.request,
                username=username,
            )
            raise forms.ValidationError(
                gettext(
                    "Für dieses Konto gab es in letzter Zeit viele falsche Passwörter. Zum Schutz wird ein weiterer "
                    "Versuch erst ab %(time)s Uhr geprüft – sofort, wenn Sie zusätzlich den Bestätigungscode aus "
                    "Ihrer Authenticator-App oder einen Wiederherstellungscode eingeben."
                )
                % {"time": time_text(guard.retry_at)},
                code="account_waiting",
            )
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            raise self._invalid_login(username, with_code=bool(code))
        if guard.waiting:
            device = second_factor.verify(self.user_cache, code)
            if device is None:
                self.user_cache = None
                user_login_failed.send(sender=__name__, credentials={"username": username}, request=self.request)
                raise self._invalid_login(username, with_code=True)
            # django-otp marks the session as confirmed when the login carries the device.
            self.user_cache.otp_device = device
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def _invalid_login(self, username, *, with_code=False):
        self.asks_for_code = with_code
        message = self.error_messages["invalid_login_or_code" if with_code else "invalid_login"]
        failures = getattr(self.request, "axes_failures_since_start", None)
        if failures is not None and get_failure_limit(self.request, None) - failures == 1:
            message = "{} {}".format(
                message,
                gettext(
                    "Achtung: Nach einem weiteren falschen Versuch wird die Anmeldung für diesen Benutzernamen "
                    "von diesem Gerät aus für %(duration)s gesperrt."
                )
                % {"duration": cool_off_text(self.request)},
            )
        return forms.ValidationError(message, code="invalid_login")


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Bestätigungscode"),
        max_length=32,
        widget=CODE_WIDGET,
        help_text=_(
            "Die sechs Ziffern, die Ihre Authenticator-App gerade anzeigt. Ohne Ihr Telefon: einer Ihrer "
            "Wiederherstellungscodes (jeder gilt nur einmal)."
        ),
        error_messages={"required": _("Bitte geben Sie den Bestätigungscode ein.")},
    )

    def __init__(self, user, request, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request
        self.device = None

    def clean_code(self):
        code = self.cleaned_data["code"]
        self.device = second_factor.verify(self.user, code)
        if self.device is None:
            security_log.record(
                "second_factor_failed", "Falscher Bestätigungscode", request=self.request, username=self.user.username
            )
            until = second_factor.wait_until(self.user)
            if until is not None:
                raise forms.ValidationError(
                    gettext("Der Code stimmt nicht. Nach mehreren falschen Codes: bitte bis %(time)s Uhr warten.")
                    % {"time": formats.time_format(timezone.localtime(until), "H:i:s")},
                    code="throttled",
                )
            raise forms.ValidationError(gettext("Der Code stimmt nicht. Bitte versuchen Sie es erneut."), code="wrong")
        return code


class SetupForm(forms.Form):
    code = forms.CharField(
        label=_("Code aus der App"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Die sechs Ziffern, die die App nach dem Einrichten anzeigt."),
        error_messages={"required": _("Bitte geben Sie den Code aus der App ein.")},
    )


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form; wrong old passwords are counted per person and stop after a few.

    Someone who took over an open session could otherwise try old passwords without limit and
    learn the password, which may open other accounts too.
    """

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        key = f"password-change-failures:{self.user.pk}"
        if (cache.get(key) or 0) >= settings.AXES_FAILURE_LIMIT:
            raise forms.ValidationError(
                gettext(
                    "Das bisherige Passwort wurde zu oft falsch eingegeben. Bitte versuchen Sie es in "
                    "%(duration)s erneut."
                )
                % {"duration": cool_off_text(self.request)},
                code="password_change_throttled",
            )
        try:
            return super().clean_old_password()
        except forms.ValidationError:
            cache.add(key, 0, timeout=get_cache_timeout(self.request) or 3600)
            failures = cache.incr(key)
            security_log.record(
                "password_change_wrong_old_password",
                f"Falsches bisheriges Passwort beim Ändern ({failures}. Versuch)",
                request=self.request,
                username=self.user.username,
            )
            raise
