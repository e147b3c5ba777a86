"""The admin site: the Büro's tool, closed to everyone else."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class MonitorAdminSite(admin.AdminSite):
    site_header = _("Umsetzungsmonitor – Büro für Chancengleichheit und Vielfalt")
    site_title = _("Umsetzungsmonitor")
    index_title = _("Verwaltung des Integrationskonzepts")

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


class MonitorAdminConfig(AdminConfig):
    default_site = "integration.admin.MonitorAdminSite"
