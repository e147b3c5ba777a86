"""The admin pages of report rounds, their archived reports and the reminder log.

Registered by the core's ``measures/admin.py``, as the exchange wing's import pages are.
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..admin_support import ReadOnlyAdminMixin, TamperProofAdminMixin
from ..models import ReportArchive
from .archive import report_round_archive


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
