from itertools import groupby

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .choices import Role
from .exchange.admin import CatalogueImportExportMixin, ImportRecordAdmin
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
    editable_states,
)
from .reporting.concurrency import VersionedFormMixin
from .reporting.workflow import WorkflowError, status_update_change, status_update_delete, transition_problems


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


class StatusUpdateStateRules(forms.ModelForm):
    """The admin offers a report's state, within the workflow's rules (reporting/workflow.py):
    a unit's draft is not published before the unit submits it, a published report stays
    published, a report is returned only from „eingereicht“ and with a comment for the unit."""

    user = None  # the Büro member filling in the form; set by ``_form_for``

    def clean(self):
        cleaned_data = super().clean()
        state = cleaned_data.get("state")
        if state and self.user is not None:
            stored = StatusUpdate.objects.select_related("author").filter(pk=self.instance.pk).first()
            comment = cleaned_data.get("return_comment") or ""
            for field, message in transition_problems(
                stored=stored, state=state, user=self.user, comment=comment
            ).items():
                self.add_error(field if field in self.fields else None, message)
        return cleaned_data


def _form_for(form_class, user):
    return type(form_class.__name__, (form_class,), {"user": user})


class WorkflowErrorsAsMessages:
    """A transition that the form allowed but the locked row no longer does (someone acted in
    between) is rolled back and reported, instead of ending in an error page."""

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except WorkflowError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(request.get_full_path())


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
        formset.form = _form_for(formset.form, request.user)
        return formset

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleted on its own page, where the workflow keeps published reports.
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
class MeasureAdmin(WorkflowErrorsAsMessages, CatalogueImportExportMixin, SimpleHistoryAdmin):
    form = MeasureAdminForm
    list_display = ["code_display", "title", "field_display", "status", "ampel", "lead_units", "last_update"]
    list_display_links = ["code_display", "title"]
    list_filter = ["concept", "field_of_action", "goals", "status", "ampel", LeadUnitFilter, "published"]
    search_fields = ["code", "title", "summary", "description", "target", "target_groups"]
    autocomplete_fields = ["goals"]
    ordering = ["concept", "sort_key"]
    list_per_page = 100
    inlines = [ResponsibilityInline, StatusUpdateInline]
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
        # Only new reports come from the inline (existing ones are read-only there).
        for update in formset.save(commit=False):
            status_update_change(update=update, user=request.user, state=update.state, comment=update.return_comment)

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
class StatusUpdateAdmin(WorkflowErrorsAsMessages, SimpleHistoryAdmin):
    form = StatusUpdateAdminForm
    list_display = ["measure", "reporting_date", "status", "ampel", "progress", "state", "author", "published_at"]
    list_filter = ["state", "status", "ampel", "measure__concept"]
    list_select_related = ["measure", "author"]
    search_fields = ["measure__code", "measure__title", "public_text"]
    autocomplete_fields = ["measure"]
    readonly_fields = ["author", "reviewer", "published_at", "submitted_at"]
    date_hierarchy = "reporting_date"

    def get_form(self, request, obj=None, change=False, **kwargs):
        return _form_for(super().get_form(request, obj, change, **kwargs), request.user)

    def save_model(self, request, obj, form, change):
        status_update_change(
            update=obj,
            user=request.user,
            state=form.cleaned_data["state"],
            comment=form.cleaned_data.get("return_comment") or "",
            version=form.cleaned_data.get("version") or "",
        )

    def has_delete_permission(self, request, obj=None):
        # The workflow never deletes a published report (status_update_delete).
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.state in editable_states(request.user)
        )

    def get_actions(self, request):
        # Reports are deleted one at a time, each through the workflow.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj):
        status_update_delete(update=obj, user=request.user)


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
