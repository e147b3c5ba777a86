"""Building blocks of the admin (``admin.py``): tampered addresses answer 400 or 404 instead of a
server error, history pages in German, and fields of action and goals named with their concept.
(Part of the core's admin, which may use the wings.)
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.template_utils import HistoricalRecordContextHelper

from .models import ResponsibleUnit
from .reporting.concurrency import display_value


def is_id(value: str) -> bool:
    """Whether ``value`` from an address can be a database id (ASCII digits within bigint)."""
    return value.isascii() and value.isdigit() and len(value) <= 18


def with_concept(part) -> str:
    """A field of action or goal as the admin names it where several concepts meet: „Konzept: 1. Titel“."""
    return f"{part.concept.title}: {part}"


class StrictChangeList(ChangeList):
    """Filter and date-hierarchy values that cannot be applied are the request's fault: 400.

    Django's own answer, a redirect to ``?e=1`` with „Datenbankfehler“, blames the database; and
    some values (a year beyond any date) end in a server error before they reach that answer.
    """

    def _refuse(self, error):
        raise BadRequest(_("Ungültiger Filter in der Adresse: %(error)s") % {"error": error}) from error

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (IncorrectLookupParameters, OverflowError, ValueError) as error:
            self._refuse(error)

    def get_queryset(self, request, exclude_parameters=None):
        try:
            return super().get_queryset(request, exclude_parameters)
        except (IncorrectLookupParameters, ValidationError) as error:
            self._refuse(error)


class GermanHistoryContext(HistoricalRecordContextHelper):
    """Changes on the history pages as people read them: „eingereicht → zurückgegeben“, 31.03.2026,
    „–“ for nothing (simple_history shows stored values: „zurueckgegeben“, „None“, „Deleted …“)."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.many_to_many:
            return super().prepare_delta_change_value(change, value)
        return display_value(field, value)


class TamperProofAdminMixin:
    """For every ModelAdmin of the app: strict list filters, 404 for an id that cannot exist on the
    history pages, and those pages titled in German."""

    def get_changelist(self, request, **kwargs):
        return StrictChangeList

    def _require_valid_pk(self, object_id):
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            pk = None
        if pk is None or (isinstance(pk, int) and not -(2**63) <= pk < 2**63):  # beyond any database id
            raise Http404(_("Diesen Eintrag gibt es nicht."))

    def history_view(self, request, object_id, extra_context=None):
        self._require_valid_pk(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_valid_pk(object_id)
        if not is_id(str(version_id)):
            raise Http404(_("Diese Fassung gibt es nicht."))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return GermanHistoryContext(self.model, historical_record)

    def history_view_title(self, request, obj):
        return _("Verlauf: %(object)s") % {"object": obj}

    def history_form_view_title(self, request, obj):
        return _("Frühere Fassung: %(object)s") % {"object": obj}


class ReadOnlyAdminMixin:
    """For records the application writes (archives, logs): shown, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConceptPartFilter(admin.RelatedFieldListFilter):
    """A filter over fields of action or goals, each named with its concept; once a concept is
    chosen in the concept filter, only its parts are offered."""

    def field_choices(self, field, request, model_admin):
        parts = field.related_model.objects.select_related("concept").order_by("concept__title", "number")
        concept = request.GET.get("concept__id__exact", "")
        if is_id(concept):
            parts = parts.filter(concept_id=concept)
        return [(part.pk, with_concept(part)) for part in parts]


class LeadUnitFilter(admin.SimpleListFilter):
    title = gettext_lazy("Stelle")
    parameter_name = "stelle"

    def lookups(self, request, model_admin):
        return [(unit.pk, unit.short_name or unit.name) for unit in ResponsibleUnit.objects.only("name", "short_name")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not is_id(value):
            raise IncorrectLookupParameters(_("„%(value)s“ ist keine Stelle.") % {"value": value})
        return queryset.filter(responsibilities__unit_id=value).distinct()
