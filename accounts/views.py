"""Logging in and out, and changing one's own password: the same pages for the Büro and reporters."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@method_decorator(never_cache, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """Reporters have no admin access; they change their password here (Django's validators apply)."""

    template_name = "registration/password_change.html"

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
