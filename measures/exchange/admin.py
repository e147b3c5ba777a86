"""The Büro's spreadsheet pages in the admin: upload → preview → confirm, export, blank template.

The uploaded file waits between preview and confirm in the import-export temporary storage
(the shared cache, see IMPORT_EXPORT_TMP_STORAGE_CLASS), so the confirm may reach another
application process. A signed token ties it to the person, the concept and the file's hash.
"""

import hashlib

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core import signing
from django.core.files.uploadhandler import FileUploadHandler, MemoryFileUploadHandler, StopUpload
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from ..models import Concept
from .export import EXPORT_FORMATS, blank_template, export_catalogue, export_file_name
from .importing import run_import
from .measure_resource import MeasureResource
from .reading import ImportFileError

CONFIRM_SALT = "measures.import.confirm"
CONFIRM_MAX_AGE = 24 * 60 * 60


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
        help_text=_("Excel (.xlsx), LibreOffice (.ods) oder CSV (.csv) mit den Spalten der Vorlage."),
    )


class ExportForm(forms.Form):
    concept = forms.ModelChoiceField(label=_("Konzept"), queryset=Concept.objects.all())
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", "Excel (.xlsx)"), ("ods", "LibreOffice (.ods)"), ("csv", "CSV (.csv)"), ("json", "JSON")],
    )


def _storage(name=None):
    return import_string(settings.IMPORT_EXPORT_TMP_STORAGE_CLASS)(name=name)


def _too_large_message():
    size = f"{settings.IMPORT_MAX_UPLOAD_BYTES / 1024 / 1024:.1f} MB".replace(".", ",")
    return _("Die Datei ist zu groß; erlaubt sind höchstens %(size)s.") % {"size": size}


class CatalogueImportExportMixin:
    """Adds the import, export and template pages to the measure admin."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="measures_measure_import"),
            path("import/bestaetigen/", wrap(self.import_confirm_view), name="measures_measure_import_confirm"),
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
            **extra,
        }

    def _preview_response(self, request, outcome, concept, file_name, token, *, stale=False):
        """The preview page; without a token it only shows what is wrong and offers no confirmation.

        ``stale``: a confirm found problems the preview did not, because the catalogue changed.
        """
        return TemplateResponse(
            request,
            "admin/measures/measure/import_preview.html",
            self._context(
                request,
                _("Vorschau des Imports"),
                outcome=outcome,
                concept=concept,
                file_name=file_name,
                token=token,
                stale=stale,
            ),
        )

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
            concept = form.cleaned_data["concept"]
            data = upload.read()
            try:
                outcome = run_import(data, upload.name, concept=concept, user=request.user, dry_run=True)
            except ImportFileError as error:
                form_error = str(error)
            else:
                token = None
                if outcome.ok:
                    storage = _storage()
                    storage.save(data)
                    token = signing.dumps(
                        {
                            "storage": storage.name,
                            "concept": concept.pk,
                            "file": upload.name,
                            "user": request.user.pk,
                            "sha256": hashlib.sha256(data).hexdigest(),
                        },
                        salt=CONFIRM_SALT,
                    )
                return self._preview_response(request, outcome, concept, upload.name, token)
        return TemplateResponse(
            request,
            "admin/measures/measure/import.html",
            self._context(request, _("Maßnahmen importieren"), form=form, form_error=form_error),
        )

    def import_confirm_view(self, request):
        if request.method != "POST":
            return redirect("admin:measures_measure_import")
        try:
            payload = signing.loads(request.POST.get("token", ""), salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        except signing.BadSignature:
            payload = None
        # Only the person who previewed may use (and so use up) the stored upload.
        storage = _storage(payload["storage"]) if payload and payload["user"] == request.user.pk else None
        try:
            return self._confirm(request, payload, storage)
        finally:
            if storage is not None:
                storage.remove()  # a token is good for one confirm, whatever its outcome

    def _confirm(self, request, payload, storage):
        data = storage.read() if storage else None
        concept = Concept.objects.filter(pk=payload["concept"]).first() if payload else None
        if (
            payload is None
            or payload["user"] != request.user.pk
            or data is None
            or concept is None
            or hashlib.sha256(data).hexdigest() != payload["sha256"]
        ):
            messages.error(
                request,
                _("Die Vorschau ist abgelaufen oder ungültig. Bitte laden Sie die Datei erneut hoch."),
            )
            return redirect("admin:measures_measure_import")
        try:
            outcome = run_import(data, payload["file"], concept=concept, user=request.user, dry_run=False)
        except ImportFileError as error:
            messages.error(request, str(error))
            return redirect("admin:measures_measure_import")
        if not outcome.ok:
            # The catalogue changed since the preview; show what is wrong now, nothing was written.
            return self._preview_response(request, outcome, concept, payload["file"], token=None, stale=True)
        record = outcome.record
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
        response = HttpResponse(blank_template("xlsx"), content_type=EXPORT_FORMATS["xlsx"])
        response["Content-Disposition"] = 'attachment; filename="vorlage-massnahmen.xlsx"'
        return response


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
