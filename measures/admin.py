from itertools import groupby

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .choices import Role, UpdateState
from .exchange.admin import CatalogueImportExportMixin, ImportRecordAdmin
from .indicators.admin import MilestoneInline
from .models import (
    Concept,
    FieldOfAction,
    Goal,
    ImportRecord,
    Measure,
    MeasureResponsibility,
    ReportRound,
    ResponsibleUnit,
    SentReminder,
    SitePage,
    StatusUpdate,
)
from .reporting.concurrency import VersionedFormMixin
from .reporting.workflow import notify_returned
from .services import measure_sync_current_status, status_update_publish


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
class ConceptAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["title", "start_year", "end_year", "council_file_number", "is_demo", "published"]
    list_filter = ["published", "is_demo"]
    search_fields = ["title", "official_title", "council_file_number"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [FieldOfActionInline, GoalInline]


@admin.register(FieldOfAction)
class FieldOfActionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "concept"]
    list_display_links = ["number", "title"]
    list_filter = ["concept"]
    list_select_related = ["concept"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "concept"]
    list_display_links = ["number", "title"]
    list_filter = ["concept"]
    list_select_related = ["concept"]
    search_fields = ["title", "description"]


@admin.register(ResponsibleUnit)
class ResponsibleUnitAdmin(SimpleHistoryAdmin):
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


def _save_update(request, update):
    """Save an update written in the admin; a newly published one through the publishing service."""
    if update.author_id is None:
        update.author = request.user
    update._history_user = request.user
    if update.state == UpdateState.PUBLISHED and update.published_at is None:
        status_update_publish(update=update, reviewer=request.user)
    else:
        update.save()


class StatusUpdateStateRules(forms.ModelForm):
    """The admin sets the state directly, but within the workflow's rules: a published report
    stays published (corrections are made in it or in a new report), and a report is only
    returned from "eingereicht", with a comment for the unit, which gets the return e-mail."""

    def clean(self):
        cleaned_data = super().clean()
        stored = self.instance.state if self.instance.pk else None  # the form has not touched it yet
        state = cleaned_data.get("state")
        if stored == UpdateState.PUBLISHED and state != UpdateState.PUBLISHED:
            self.add_error("state", _("Eine veröffentlichte Meldung bleibt veröffentlicht."))
        if state == UpdateState.RETURNED and stored != UpdateState.RETURNED:
            if stored != UpdateState.SUBMITTED:
                self.add_error("state", _("Nur eingereichte Meldungen können zurückgegeben werden."))
            elif "return_comment" in self.fields and not (cleaned_data.get("return_comment") or "").strip():
                self.add_error("return_comment", _("Bitte schreiben Sie, was geändert werden soll."))
        return cleaned_data


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

    def has_change_permission(self, request, obj=None):
        return False


class MeasureAdminForm(VersionedFormMixin, forms.ModelForm):
    # Meta (model and fields) comes from the admin's fieldsets; "version" refuses concurrent edits.
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


class LeadUnitFilter(admin.SimpleListFilter):
    title = _("Stelle")
    parameter_name = "stelle"

    def lookups(self, request, model_admin):
        return [(unit.pk, unit.short_name or unit.name) for unit in ResponsibleUnit.objects.only("name", "short_name")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(responsibilities__unit_id=self.value()).distinct()
        return queryset


@admin.register(Measure)
class MeasureAdmin(CatalogueImportExportMixin, SimpleHistoryAdmin):
    form = MeasureAdminForm
    list_display = ["code_display", "title", "field_display", "status", "ampel", "lead_units", "last_update"]
    list_display_links = ["code_display", "title"]
    list_filter = ["concept", "field_of_action", "goals", "status", "ampel", LeadUnitFilter, "published"]
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
        updates = formset.save(commit=False)
        for update in updates:
            _save_update(request, update)
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        measure_sync_current_status(measure=form.instance)

    def history_view(self, request, object_id, extra_context=None):
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
                self.set_history_delta_changes(request, list(group))
            records.sort(key=lambda record: record.history_date, reverse=True)
            sections.append({"label": label, "records": records})
        return sections


class StatusUpdateAdminForm(VersionedFormMixin, StatusUpdateStateRules):
    pass


@admin.register(StatusUpdate)
class StatusUpdateAdmin(SimpleHistoryAdmin):
    form = StatusUpdateAdminForm
    list_display = ["measure", "reporting_date", "status", "ampel", "progress", "state", "author", "published_at"]
    list_filter = ["state", "status", "ampel", "measure__concept"]
    list_select_related = ["measure", "author"]
    search_fields = ["measure__code", "measure__title", "public_text"]
    autocomplete_fields = ["measure"]
    readonly_fields = ["author", "reviewer", "published_at", "submitted_at"]
    date_hierarchy = "reporting_date"

    def save_model(self, request, obj, form, change):
        returned = "state" in form.changed_data and obj.state == UpdateState.RETURNED
        if returned:
            obj.reviewer = request.user
        _save_update(request, obj)
        measure_sync_current_status(measure=obj.measure)
        if returned:
            notify_returned(obj)

    def delete_model(self, request, obj):
        measure = obj.measure
        super().delete_model(request, obj)
        measure_sync_current_status(measure=measure)

    def delete_queryset(self, request, queryset):
        measures = list(Measure.objects.filter(status_updates__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for measure in measures:
            measure_sync_current_status(measure=measure)


@admin.register(MeasureResponsibility)
class MeasureResponsibilityAdmin(SimpleHistoryAdmin):
    """Listed for the history of responsibilities; they are edited inside the measure."""

    list_display = ["measure", "unit", "role"]
    list_filter = ["role", "measure__concept"]
    list_select_related = ["measure", "unit"]
    search_fields = ["measure__code", "measure__title", "unit__name", "unit__short_name"]
    autocomplete_fields = ["measure", "unit"]


@admin.register(SitePage)
class SitePageAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "title", "updated_at"]
    readonly_fields = ["updated_at"]


@admin.register(ReportRound)
class ReportRoundAdmin(SimpleHistoryAdmin):
    list_display = ["title", "concept", "cut_off_date", "deadline", "closed"]
    list_filter = ["concept", "closed"]
    list_select_related = ["concept"]
    search_fields = ["title"]
    date_hierarchy = "cut_off_date"

    def view_on_site(self, obj):
        return obj.get_absolute_url()


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    """A log written by send_reminders; read only."""

    list_display = ["sent_on", "report_round", "unit", "reason", "recipients"]
    list_filter = ["reason", "report_round"]
    list_select_related = ["report_round", "unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(ImportRecord, ImportRecordAdmin)
