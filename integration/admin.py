"""The admin site: the Büro's tool, closed to everyone else."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class MonitorAdminSite(admin.AdminSite):
    site_header = _("Umsetzungsmonitor – Büro für Chancengleichheit und Vielfalt")
    site_title = _("Umsetzungsmonitor")
    index_title = _("Verwaltung des Integrationskonzepts")

    def has_permission(self, request):
        # Reporters use the staff pages, even if someone marks them as staff.
        return super().has_permission(request) and request.user.is_buero


class MonitorAdminConfig(AdminConfig):
    default_site = "integration.admin.MonitorAdminSite"
