"""The admin pages of status updates (through the workflow), report rounds, their archived
reports and the reminder log.

Registered by the core's ``measures/admin.py``, as the exchange wing's import pages are.
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..admin_support import ReadOnlyAdminMixin, TamperProofAdminMixin
from ..models import ReportArchive, StatusUpdate, editable_states
from .archive import report_round_archive
from .concurrency import VersionedFormMixin
from .workflow import WorkflowError, status_update_change, status_update_delete, transition_problems


class ReportArchiveInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = ReportArchive
    fields = ["file_name", "created_at", "created_by", "size"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    verbose_name_plural = _("archivierte Sachstandsberichte (entstehen beim Abschließen der Runde)")


class ReportRoundAdmin(TamperProofAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "concept", "cut_off_date", "deadline", "closed"]
    list_filter = ["concept", "closed"]
    list_select_related = ["concept"]
    search_fields = ["title"]
    date_hierarchy = "cut_off_date"
    inlines = [ReportArchiveInline]

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # a new round has no archive yet

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.closed and "closed" in form.changed_data:
            # A closed round's report is kept as it is today (see measures/reporting/archive.py).
            report_round_archive(report_round=obj, user=request.user)


class ReportArchiveAdmin(TamperProofAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Written when a round is closed; read and downloaded, never changed."""

    list_display = ["file_name", "report_round", "created_at", "created_by", "download"]
    list_filter = ["report_round__concept", "report_round"]
    list_select_related = ["report_round", "created_by"]
    exclude = ["content"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    @admin.display(description=_("Datei"))
    def download(self, archive):
        return format_html('<a href="{}">{}</a>', archive.get_absolute_url(), _("herunterladen"))


class SentReminderAdmin(TamperProofAdminMixin, admin.ModelAdmin):
    """A log written by send_reminders; read only."""

    list_display = ["sent_on", "report_round", "unit", "reason", "recipients"]
    list_filter = ["reason", "report_round"]
    list_select_related = ["report_round", "unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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


def form_for(form_class, user):
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


class StatusUpdateAdminForm(VersionedFormMixin, StatusUpdateStateRules):
    pass


class StatusUpdateAdmin(WorkflowErrorsAsMessages, TamperProofAdminMixin, SimpleHistoryAdmin):
    form = StatusUpdateAdminForm
    list_display = ["measure", "reporting_date", "status", "ampel", "progress", "state", "author", "published_at"]
    list_filter = ["state", "status", "ampel", "measure__concept"]
    list_select_related = ["measure", "author"]
    search_fields = ["measure__code", "measure__title", "public_text"]
    autocomplete_fields = ["measure"]
    readonly_fields = ["author", "reviewer", "published_at", "submitted_at"]
    date_hierarchy = "reporting_date"

    def get_form(self, request, obj=None, change=False, **kwargs):
        return form_for(super().get_form(request, obj, change, **kwargs), request.user)

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
