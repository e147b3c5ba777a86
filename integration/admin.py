"""The admin site: the Büro's tool, closed to everyone else."""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import BadRequest
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
        # Reporters use the staff pages, even if someone marks them as staff.
        return super().has_permission(request) and request.user.is_buero

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
