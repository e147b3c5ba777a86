from itertools import groupby, pairwise

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_support import (
    ConceptPartFilter,
    GermanHistoryContext,
    LeadUnitFilter,
    TamperProofAdminMixin,
    with_concept,
)
from .choices import Role
from .exchange.admin import CatalogueImportExportMixin, ImportRecordAdmin
from .indicators.admin import MilestoneInline
from .models import (
    Concept,
    FieldOfAction,
    Goal,
    ImportRecord,
    Measure,
    MeasureResponsibility,
    ReportArchive,
    ReportRound,
    ResponsibleUnit,
    SentReminder,
    SitePage,
    StatusUpdate,
)
from .reporting.admin import (
    ReportArchiveAdmin,
    ReportRoundAdmin,
    SentReminderAdmin,
    StatusUpdateAdmin,
    StatusUpdateStateRules,
    WorkflowErrorsAsMessages,
    form_for,
)
from .reporting.concurrency import VersionedFormMixin
from .reporting.workflow import status_update_change


# Inlines are stacked throughout: Django's tabular inline leaves its inputs without labels.
class FieldOfActionInline(admin.StackedInline):
    model = FieldOfAction
    fields = ["number", "title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    extra = 0


class GoalInline(admin.StackedInline):
    model = Goal
    fields = ["number", "title"]
    extra = 0


HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Concept)
class ConceptAdmin(TamperProofAdminMixin, SimpleHistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["title", "start_year", "end_year", "council_file_number", "is_demo", "published"]
    list_filter = ["published", "is_demo"]
    search_fields = ["title", "official_title", "council_file_number"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [FieldOfActionInline, GoalInline]


@admin.register(FieldOfAction)
class FieldOfActionAdmin(TamperProofAdminMixin, admin.ModelAdmin):
    list_display = ["number", "title", "concept"]
    list_display_links = ["number", "title"]
    list_filter = ["concept"]
    list_select_related = ["concept"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Goal)
class GoalAdmin(TamperProofAdminMixin, admin.ModelAdmin):
    list_display = ["number", "title", "concept"]
    list_display_links = ["number", "title"]
    list_filter = ["concept"]
    list_select_related = ["concept"]
    search_fields = ["title", "description", "concept__title"]
    # The measure form picks goals by search; the results name their concept (integration/admin.py).
    autocomplete_label = staticmethod(with_concept)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("concept")


@admin.register(ResponsibleUnit)
class ResponsibleUnitAdmin(TamperProofAdminMixin, SimpleHistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "short_name", "kind", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


class ResponsibilityInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors) or not self.instance.published:
            return
        leads = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == Role.LEAD
            and form.cleaned_data.get("unit")
        ]
        if not leads:
            raise ValidationError(
                _("Eine veröffentlichte Maßnahme braucht mindestens eine federführende Stelle."),
                code="lead_required",
            )


class ResponsibilityInline(admin.StackedInline):
    model = MeasureResponsibility
    formset = ResponsibilityInlineFormSet
    autocomplete_fields = ["unit"]
    fields = [("unit", "role")]
    extra = 0


class StatusUpdateInline(admin.StackedInline):
    model = StatusUpdate
    form = StatusUpdateStateRules
    fields = [
        ("reporting_date", "state"),
        ("status", "ampel", "progress"),
        "public_text",
        "internal_note",
        ("author", "reviewer", "published_at"),
    ]
    readonly_fields = ["author", "reviewer", "published_at"]
    extra = 0
    ordering = ["-reporting_date", "-pk"]
    # Existing updates are shown here read-only and changed on their own page, whose version
    # check refuses a save over someone else's edit; new ones may be added here.
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "reviewer", "measure")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = form_for(formset.form, request.user)
        return formset

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleted on its own page, where the workflow keeps published reports.
        return False


class MeasureAdminForm(VersionedFormMixin, forms.ModelForm):
    # Meta (model and fields) comes from the admin's fieldsets; "version" refuses concurrent edits.
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Several concepts live side by side: every field of action and goal says whose it is.
        for name in ("field_of_action", "goals"):
            if name in self.fields:
                field = self.fields[name]
                field.queryset = field.queryset.select_related("concept").order_by("concept__title", "number")
                field.label_from_instance = with_concept

    def clean(self):
        cleaned_data = super().clean()
        concept = cleaned_data.get("concept")
        goals = cleaned_data.get("goals")
        if concept and goals:
            foreign = [str(goal) for goal in goals if goal.concept_id != concept.pk]
            if foreign:
                self.add_error(
                    "goals",
                    _("Diese Ziele gehören zu einem anderen Konzept: %(goals)s") % {"goals": "; ".join(foreign)},
                )
        return cleaned_data


@admin.register(Measure)
class MeasureAdmin(WorkflowErrorsAsMessages, TamperProofAdminMixin, CatalogueImportExportMixin, SimpleHistoryAdmin):
    form = MeasureAdminForm
    list_display = [
        "code_display",
        "title",
        "concept_display",
        "field_display",
        "status",
        "ampel",
        "lead_units",
        "last_update",
    ]
    list_display_links = ["code_display", "title"]
    list_filter = [
        "concept",
        ("field_of_action", ConceptPartFilter),
        ("goals", ConceptPartFilter),
        "status",
        "ampel",
        LeadUnitFilter,
        "published",
    ]
    search_fields = ["code", "title", "summary", "description", "target", "target_groups"]
    autocomplete_fields = ["goals"]
    ordering = ["concept", "sort_key"]
    list_per_page = 100
    inlines = [ResponsibilityInline, MilestoneInline, StatusUpdateInline]
    readonly_fields = ["status", "ampel", "progress", "status_justification", "status_date", "created_at", "updated_at"]
    object_history_template = "admin/measures/measure/object_history.html"
    fieldsets = [
        (None, {"fields": ["concept", "field_of_action", "goals", "code", "title", "provisional", "published"]}),
        (_("Inhalt"), {"fields": ["summary", "description", "target", "target_groups"]}),
        (
            _("Zeitrahmen und Finanzierung"),
            {"fields": [("planned_start", "planned_end", "ongoing"), ("budget", "funding_status")]},
        ),
        (
            _("Aktueller Stand"),
            {
                "fields": [("status", "ampel", "progress", "status_date"), "status_justification"],
                "description": _("Ergibt sich aus der neuesten veröffentlichten Sachstandsmeldung (unten)."),
            },
        ),
        (_("Intern"), {"fields": ["internal_note", ("created_at", "updated_at"), "version"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).for_changelist()

    @admin.display(description=_("Nr."), ordering="sort_key")
    def code_display(self, measure):
        return measure.code

    @admin.display(description=_("Konzept"), ordering="concept__title")
    def concept_display(self, measure):
        return measure.concept.title

    @admin.display(description=_("Handlungsfeld"), ordering="field_of_action__number")
    def field_display(self, measure):
        return measure.field_of_action.number

    @admin.display(description=_("Federführung"))
    def lead_units(self, measure):
        return (
            ", ".join(
                responsibility.unit.short_name or responsibility.unit.name
                for responsibility in measure.lead_responsibilities
            )
            or "–"
        )

    @admin.display(description=_("letzte Meldung"), ordering="status_date", empty_value=_("keine"))
    def last_update(self, measure):
        return measure.status_date

    def save_formset(self, request, form, formset, change):
        if formset.model is not StatusUpdate:
            return super().save_formset(request, form, formset, change)
        # Only new reports come from the inline (existing ones are read-only there).
        for update in formset.save(commit=False):
            status_update_change(update=update, user=request.user, state=update.state, comment=update.return_comment)

    def history_view(self, request, object_id, extra_context=None):
        self._require_valid_pk(object_id)
        extra_context = {**(extra_context or {}), "related_histories": self._related_histories(request, object_id)}
        return super().history_view(request, object_id, extra_context)

    def _related_histories(self, request, object_id):
        """Histories of the measure's responsibilities and status updates, newest first."""
        sections = []
        for model, label in (
            (MeasureResponsibility, _("Zuständigkeiten")),
            (StatusUpdate, _("Sachstandsmeldungen")),
        ):
            records = list(
                model.history.filter(measure_id=object_id)
                .select_related("history_user")
                .order_by("id", "-history_date")[:500]
            )
            for _object_id, group in groupby(records, key=lambda record: record.id):
                _set_delta_changes(model, list(group))
            records.sort(key=lambda record: record.history_date, reverse=True)
            sections.append({"label": label, "records": records})
        return sections


def _set_delta_changes(model, records):
    """``history_delta_changes`` on each record of one object (newest first), as simple_history's
    admin sets them for its own model; described with ``model``'s fields, not the measure's."""
    for newer, older in pairwise(records):
        delta = newer.diff_against(older, foreign_keys_are_objs=True)
        newer.history_delta_changes = GermanHistoryContext(model, newer).context_for_delta_changes(delta)


@admin.register(MeasureResponsibility)
class MeasureResponsibilityAdmin(TamperProofAdminMixin, SimpleHistoryAdmin):
    """Listed for the history of responsibilities; they are edited inside the measure."""

    list_display = ["measure", "unit", "role"]
    list_filter = ["role", "measure__concept"]
    list_select_related = ["measure", "unit"]
    search_fields = ["measure__code", "measure__title", "unit__name", "unit__short_name"]
    autocomplete_fields = ["measure", "unit"]


@admin.register(SitePage)
class SitePageAdmin(TamperProofAdminMixin, SimpleHistoryAdmin):
    list_display = ["kind", "title", "updated_at"]
    readonly_fields = ["updated_at"]


admin.site.register(StatusUpdate, StatusUpdateAdmin)
admin.site.register(ReportRound, ReportRoundAdmin)
admin.site.register(ReportArchive, ReportArchiveAdmin)
admin.site.register(SentReminder, SentReminderAdmin)
admin.site.register(ImportRecord, ImportRecordAdmin)
