"""Logging in and out, the second factor and changing one's own password: the same pages for the
Büro and reporters."""

from urllib.parse import urlencode

import django_otp
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import second_factor, security_log
from .forms import LoginForm, PasswordChangeForm, SecondFactorForm, SetupForm


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("staff:my_measures")


def second_factor_url(user, next_url: str) -> str:
    """Where a person goes after the password: confirm a code, or set up the app first."""
    name = "accounts:second_factor" if second_factor.has_confirmed_device(user) else "accounts:second_factor_setup"
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self):
        url = super().get_success_url()
        user = self.request.user
        # login() replaced request.user, so ask for the device django-otp attached, not is_verified().
        if second_factor.is_required_for(user) and getattr(user, "otp_device", None) is None:
            return second_factor_url(user, url)
        return url

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.waiting:
            response.status_code = 429
        return response


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def second_factor_view(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the app, or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not second_factor.has_confirmed_device(user):
        return redirect(second_factor_url(user, next_url))
    form = SecondFactorForm(user, request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        django_otp.login(request, form.device)
        if form.device.__class__.__name__ == "StaticDevice":
            left = second_factor.remaining_recovery_codes(user)
            security_log.record(
                "recovery_code_used", "Wiederherstellungscode verwendet", request=request, username=user.username
            )
            messages.warning(
                request,
                _(
                    "Sie haben sich mit einem Wiederherstellungscode angemeldet; %(left)d sind noch übrig. Ist Ihr "
                    "Telefon verloren, richten Sie die App unter „Zweiter Faktor“ neu ein."
                )
                % {"left": left},
            )
        return redirect(next_url)
    return render(request, "registration/second_factor.html", {"form": form, "next": next_url})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def second_factor_setup_view(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: QR code, first code, then the recovery codes, shown once.

    Someone who has an app and has not confirmed a code in this session cannot replace it here:
    else the password alone would be enough to take the account over.
    """
    user = request.user
    next_url = _next_url(request)
    has_app = second_factor.has_confirmed_device(user)
    if has_app and not user.is_verified():
        return redirect(second_factor_url(user, next_url))
    if request.method == "POST" and request.POST.get("action") == "recovery_codes" and has_app:
        codes = second_factor.new_recovery_codes(user)
        security_log.record(
            "recovery_codes_renewed", "Neue Wiederherstellungscodes", request=request, username=user.username, level=20
        )
        return render(request, "registration/recovery_codes.html", {"codes": codes, "next": next_url})
    device = second_factor.pending_app_device(user)
    form = SetupForm(request.POST if request.POST.get("action") == "confirm" else None)
    if form.is_bound and form.is_valid():
        codes = second_factor.confirm_app(device, form.cleaned_data["code"])
        if codes is not None:
            django_otp.login(request, device)
            security_log.record(
                "second_factor_set_up", "Zweiter Faktor eingerichtet", request=request, username=user.username, level=20
            )
            return render(request, "registration/recovery_codes.html", {"codes": codes, "next": next_url})
        form.add_error(
            "code", _("Der Code stimmt nicht. Prüfen Sie die Uhrzeit des Telefons und versuchen Sie den nächsten Code.")
        )
    context = {
        "form": form,
        "next": next_url,
        "has_app": has_app,
        "required": user.is_buero,
        "qr_code": second_factor.qr_code_svg(device),
        "secret": second_factor.secret_for_typing(device),
        "remaining_codes": second_factor.remaining_recovery_codes(user) if has_app else None,
    }
    return render(request, "registration/second_factor_setup.html", context)


@method_decorator(never_cache, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """Reporters have no admin access; they change their password here (Django's validators apply)."""

    template_name = "registration/password_change.html"
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_success_url(self):
        return reverse("staff:my_measures")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if form.is_bound:
            # After a failed submission the error summary takes the focus (autofocus there).
            form.fields["old_password"].widget.attrs.pop("autofocus", None)
        return form

    def form_valid(self, form):
        messages.success(self.request, _("Ihr Passwort wurde geändert."))
        return super().form_valid(form)
