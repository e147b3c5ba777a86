"""The admin site: the Büro's tool, closed to everyone else."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import BadRequest, PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """Search results named as the model admin's ``autocomplete_label`` says (e.g. a goal with its concept)."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if label := getattr(self.model_admin, "autocomplete_label", None):
            result["text"] = str(label(obj))
        return result


class MonitorAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Umsetzungsmonitor – Büro für Chancengleichheit und Vielfalt")
    site_title = gettext_lazy("Umsetzungsmonitor")
    index_title = gettext_lazy("Verwaltung des Integrationskonzepts")

    def has_permission(self, request):
        # Reporters use the staff pages, even if someone marks them as staff. The Büro only after
        # the second factor (accounts.middleware sends them to confirm it first).
        from accounts import second_factor  # this module is loaded with the app registry, before models

        user = request.user
        return super().has_permission(request) and user.is_buero and second_factor.is_given(request)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            # Logged in, but not as the Büro: Django's admin would offer its own login form here,
            # a way around the login protection and the second factor.
            raise PermissionDenied(_("Die Verwaltung ist dem Büro für Chancengleichheit und Vielfalt vorbehalten."))
        # One login page for everyone, with the login protection and the second factor.
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")

    def admin_view(self, view, cacheable=False):
        @wraps(view)
        def refuse_null_characters(request, *args, **kwargs):
            # A NUL in a filter, search or lookup value makes PostgreSQL refuse the query (a server
            # error); no name, text or number contains one, so the address itself is wrong.
            if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
                raise BadRequest(_("Die Adresse enthält ein Nullzeichen."))
            return view(request, *args, **kwargs)

        return super().admin_view(refuse_null_characters, cacheable)

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)


class MonitorAdminConfig(AdminConfig):
    default_site = "integration.admin.MonitorAdminSite"
