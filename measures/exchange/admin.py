"""The Büro's spreadsheet pages in the admin: upload → preview → confirm, export, blank template.

An upload becomes an ``ImportJob``: the preview and the import run as background tasks, and
the job's page shows their progress (it reloads itself, no JavaScript needed) and then the
result. Only the person who uploaded a file sees its job and may confirm it, once.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.files.uploadhandler import FileUploadHandler, MemoryFileUploadHandler, StopUpload
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from ..models import Concept, ImportJob
from .export import EXPORT_FORMATS, blank_template, export_catalogue, export_file_name
from .importing import ImportOutcome
from .jobs import job_claim_for_confirm, job_create
from .measure_resource import MeasureResource
from .sheets import sheet_types
from .tasks import confirm_import, preview_import

# The job page lists at most this many rows of a preview; the counts cover all.
PREVIEW_ROWS_SHOWN = 2000
# A job still waiting after this many seconds means no task worker is running.
WORKER_MISSING_SECONDS = 60


class LimitedMemoryUploadHandler(MemoryFileUploadHandler):
    """Keeps the upload in memory (never in a temporary file) and stops it at the size limit."""

    stopped = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.IMPORT_MAX_UPLOAD_BYTES:
            self.stopped = True
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


class RefusingUploadHandler(FileUploadHandler):
    """For a request already declared too large: reads the fields before the file (CSRF token,
    concept) and stops at the file. The rest of the body is read and discarded, never stored,
    so that the browser receives the page with the message instead of a reset connection."""

    stopped = True

    def new_file(self, *args, **kwargs):
        raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        return None

    def file_complete(self, file_size):
        return None


class ImportForm(forms.Form):
    concept = forms.ModelChoiceField(label=_("Konzept"), queryset=Concept.objects.all())
    file = forms.FileField(
        label=_("Tabelle"),
        help_text=_(
            "Excel (.xlsx) oder LibreOffice (.ods) mit den Blättern der Vorlage, oder eine CSV-Datei (.csv) "
            "mit den Spalten des Blatts „Maßnahmen“."
        ),
    )


class ExportForm(forms.Form):
    concept = forms.ModelChoiceField(label=_("Konzept"), queryset=Concept.objects.all())
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", "Excel (.xlsx)"), ("ods", "LibreOffice (.ods)"), ("csv", "CSV (.csv)"), ("json", "JSON")],
    )


def _too_large_message():
    size = f"{settings.IMPORT_MAX_UPLOAD_BYTES / 1024 / 1024:.1f} MB".replace(".", ",")
    return _("Die Datei ist zu groß; erlaubt sind höchstens %(size)s.") % {"size": size}


class CatalogueImportExportMixin:
    """Adds the import, export and template pages to the measure admin."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="measures_measure_import"),
            path("import/<uuid:job_id>/", wrap(self.import_job_view), name="measures_measure_import_job"),
            path(
                "import/<uuid:job_id>/bestaetigen/",
                wrap(self.import_confirm_view),
                name="measures_measure_import_confirm",
            ),
            path("export/", wrap(self.export_view), name="measures_measure_export"),
            path("vorlage/", wrap(self.template_view), name="measures_measure_template"),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "columns": MeasureResource.column_names(),
            "required_columns": MeasureResource.REQUIRED_COLUMNS,
            "sheets": sheet_types(),
            **extra,
        }

    @csrf_exempt  # the upload handlers must be set before the CSRF check reads the body
    def import_view(self, request):
        handler = None
        if request.method == "POST":
            if int(request.META.get("CONTENT_LENGTH") or 0) > settings.IMPORT_MAX_UPLOAD_BYTES + 64 * 1024:
                handler = RefusingUploadHandler(request)  # refused without reading the file
            else:
                handler = LimitedMemoryUploadHandler(request)
            request.upload_handlers = [handler]
        return csrf_protect(self._import_view)(request, handler)

    def _import_view(self, request, handler):
        form_error = None
        form = ImportForm(request.POST, request.FILES) if handler is not None else ImportForm()  # reads the body
        if handler is not None and handler.stopped:
            # Only the size message (the cut-off file would also count as missing), and the
            # chosen concept stays chosen.
            form_error = _too_large_message()
            form = ImportForm(initial={"concept": request.POST.get("concept")})
        if form.is_bound and form.is_valid():
            upload = form.cleaned_data["file"]
            job = job_create(
                concept=form.cleaned_data["concept"], user=request.user, file_name=upload.name, data=upload.read()
            )
            preview_import.enqueue(str(job.pk))
            return redirect("admin:measures_measure_import_job", job_id=job.pk)
        return TemplateResponse(
            request,
            "admin/measures/measure/import.html",
            self._context(request, _("Maßnahmen importieren"), form=form, form_error=form_error),
        )

    def _own_job(self, request, job_id) -> ImportJob:
        job = ImportJob.objects.select_related("concept", "progress").filter(pk=job_id, user=request.user).first()
        if job is None:
            raise Http404(_("Diesen Import gibt es nicht (mehr)."))
        return job

    def import_job_view(self, request, job_id):
        job = self._own_job(request, job_id)
        State = ImportJob.State
        if job.state == State.DONE and job.record_id:
            record = job.record
            if not record.rows_total:  # a file without measures: its sheets' counts were in the preview
                messages.success(request, _("Import abgeschlossen."))
                return redirect(reverse("admin:measures_importrecord_change", args=[record.pk]))
            messages.success(
                request,
                _(
                    "Import abgeschlossen: %(created)s neu, %(updated)s geändert, %(unchanged)s unverändert, "
                    "%(updates)s neue Sachstandsmeldungen."
                )
                % {
                    "created": record.rows_created,
                    "updated": record.rows_updated,
                    "unchanged": record.rows_unchanged,
                    "updates": record.status_updates_created,
                },
            )
            return redirect(reverse("admin:measures_importrecord_change", args=[record.pk]))
        running = job.state in (State.PREVIEW_QUEUED, State.PREVIEWING, State.CONFIRM_QUEUED, State.IMPORTING)
        waiting = job.state in (State.PREVIEW_QUEUED, State.CONFIRM_QUEUED)
        outcome = ImportOutcome.from_dict(job.result) if job.result else None
        listed = [row for row in outcome.rows if row.kind != "unchanged"] if outcome else []
        return TemplateResponse(
            request,
            "admin/measures/measure/import_job.html",
            self._context(
                request,
                _("Import läuft") if running else _("Vorschau des Imports"),
                job=job,
                running=running,
                progress=job.progress,
                worker_missing=waiting and _age(job.progress.updated_at) > WORKER_MISSING_SECONDS,
                outcome=outcome,
                shown_rows=listed[:PREVIEW_ROWS_SHOWN],
                hidden_rows=max(0, len(listed) - PREVIEW_ROWS_SHOWN),
                can_confirm=job.state == State.PREVIEWED and outcome is not None and outcome.ok,
            ),
        )

    def import_confirm_view(self, request, job_id):
        if request.method != "POST":
            return redirect("admin:measures_measure_import_job", job_id=job_id)
        job = self._own_job(request, job_id)
        if job_claim_for_confirm(job, request.user):
            confirm_import.enqueue(str(job.pk))
        else:
            messages.info(request, _("Dieser Import ist schon bestätigt; hier sehen Sie seinen Stand."))
        return redirect("admin:measures_measure_import_job", job_id=job.pk)

    def export_view(self, request):
        form = ExportForm(request.GET or None)
        if form.is_valid():
            concept, file_format = form.cleaned_data["concept"], form.cleaned_data["format"]
            response = HttpResponse(
                export_catalogue(concept, file_format, include_internal=True),
                content_type=EXPORT_FORMATS[file_format],
            )
            response["Content-Disposition"] = f'attachment; filename="{export_file_name(concept, file_format)}"'
            return response
        return TemplateResponse(
            request,
            "admin/measures/measure/export.html",
            self._context(request, _("Maßnahmen exportieren"), form=form),
        )

    def template_view(self, request):
        # With ?concept=<id> the lists of allowed values include that concept's fields and goals.
        concept_id = request.GET.get("concept", "")
        concept = Concept.objects.filter(pk=concept_id).first() if concept_id.isdigit() else None
        response = HttpResponse(blank_template("xlsx", concept=concept), content_type=EXPORT_FORMATS["xlsx"])
        response["Content-Disposition"] = 'attachment; filename="vorlage-massnahmenkatalog.xlsx"'
        return response


def _age(moment) -> float:
    return (timezone.now() - moment).total_seconds()


class ImportRecordAdmin(admin.ModelAdmin):
    """The record of every confirmed import; written by the import only."""

    list_display = ["created_at", "file_name", "concept", "user", "rows_created", "rows_updated", "rows_unchanged"]
    list_filter = ["concept"]
    list_select_related = ["concept", "user"]
    readonly_fields = [
        "concept",
        "user",
        "created_at",
        "file_name",
        "file_format",
        "rows_total",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "status_updates_created",
    ]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_buero

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
