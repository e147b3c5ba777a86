"""Imports as background jobs: upload → preview task → confirm (claimed once) → import task.

The uploaded file waits in its ``ImportJob`` row. The web request only creates the job and
enqueues the task; the preview and the import run in the task worker, which writes its
progress beside the job (``ImportProgress``) for the status page.
"""

import logging
from datetime import datetime, timedelta

from django.db import InterfaceError, OperationalError, connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportJob, ImportProgress
from ..versions import data_version
from .files import ImportFileError
from .importing import ImportOutcome, run_import

logger = logging.getLogger(__name__)
State = ImportJob.State
# Jobs older than this are deleted with their file when the next upload comes.
KEEP_JOBS = timedelta(days=7)


def job_create(*, concept, user, file_name: str, data: bytes) -> ImportJob:
    ImportJob.objects.filter(created_at__lt=timezone.now() - KEEP_JOBS).delete()
    job = ImportJob.objects.create(concept=concept, user=user, file_name=file_name[:255], file_data=data)
    ImportProgress.objects.create(job=job)
    return job


def job_claim_for_confirm(job: ImportJob, user) -> bool:
    """Move a finished preview to the import queue, once: a second click finds nothing to claim."""
    claimed = ImportJob.objects.filter(pk=job.pk, user=user, state=State.PREVIEWED).update(
        state=State.CONFIRM_QUEUED, message=""
    )
    if claimed:
        ImportProgress.objects.filter(job=job).update(rows_done=0, rows_total=0, updated_at=timezone.now())
    return claimed == 1


class ProgressWriter:
    """Writes ``(rows_done, rows_total)`` of a job so that other processes see it at once.

    The preview writes nothing else and runs outside a transaction: a plain update. The import
    runs in one transaction (``in_transaction``); there the count goes through a connection of
    its own on PostgreSQL. SQLite admits one writer at a time, so there the status page shows
    the step without a count until the import has finished.
    """

    def __init__(self, job_id, *, in_transaction=False):
        self.job_id = job_id
        self.in_transaction = in_transaction
        self.side = None

    def __call__(self, done: int, total: int) -> None:
        if not self.in_transaction:
            ImportProgress.objects.filter(job_id=self.job_id).update(
                rows_done=done, rows_total=total, updated_at=timezone.now()
            )
            return
        if connection.vendor != "postgresql":
            return
        if self.side is None:
            self.side = connections.create_connection("default")
        table = connection.ops.quote_name(ImportProgress._meta.db_table)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET rows_done = %s, rows_total = %s, updated_at = %s WHERE job_id = %s",  # noqa: S608 - the table name from the model, values as parameters
                [done, total, timezone.now(), self.job_id],
            )

    def close(self):
        if self.side is not None:
            self.side.close()


def _finish(job_id, state, *, outcome: ImportOutcome | None = None, message: str = "", keep_file=False, version=None):
    fields = {"state": state, "message": message}
    if outcome is not None:
        fields["result"] = outcome.to_dict()
        fields["record"] = outcome.record
        if version is not None:
            fields["result"]["data_version"] = version.isoformat()
    if not keep_file:
        fields["file_data"] = b""  # nothing more to do with it
    ImportJob.objects.filter(pk=job_id).update(**fields)


def _internal_error():
    return _(
        "Bei der Verarbeitung ist ein interner Fehler aufgetreten; es wurde nichts gespeichert. Bitte wenden Sie "
        "sich an die technische Betreuung."
    )


def _drop_broken_connection() -> None:
    """After a database error outside a transaction: a dead connection is closed, so that the next
    query opens a new one (the task worker checks its connection only between tasks)."""
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


def _connection_lost(*, confirm: bool) -> str:
    if confirm:
        return _(
            "Während des Imports brach die Verbindung zur Datenbank ab; es wurde nichts gespeichert. Sie können "
            "den Import erneut bestätigen."
        )
    return _("Während der Prüfung brach die Verbindung zur Datenbank ab. Bitte laden Sie die Datei erneut hoch.")


def _run(job, *, dry_run, claim=None, preview=None, preview_version=None):
    """``run_import`` for the job; None where it failed (the job then says why)."""
    progress = ProgressWriter(job.pk, in_transaction=not dry_run)
    try:
        return run_import(
            bytes(job.file_data),
            job.file_name,
            concept=job.concept,
            user=job.user,
            dry_run=dry_run,
            progress=progress,
            claim=claim,
            preview=preview,
            preview_version=preview_version,
        )
    except ImportFileError as error:
        _finish(job.pk, State.REFUSED if dry_run else State.FAILED, message=str(error))
    except (OperationalError, InterfaceError):
        # The database ended the connection (a restart, a failover, an administrator): the import's
        # transaction was rolled back, the file is still there. The same step can simply run again.
        logger.exception("Import job %s lost its database connection", job.pk)
        _drop_broken_connection()
        if dry_run:
            _finish(job.pk, State.FAILED, message=_connection_lost(confirm=False))
        else:
            _finish(job.pk, State.PREVIEWED, message=_connection_lost(confirm=True), keep_file=True)
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        _drop_broken_connection()  # so that the job can still say that it failed
        _finish(job.pk, State.FAILED, message=_internal_error())
    finally:
        progress.close()
    return None


def job_run_preview(job_id) -> None:
    started = ImportJob.objects.filter(pk=job_id, state=State.PREVIEW_QUEUED).update(state=State.PREVIEWING)
    if not started:
        return  # already run, or deleted
    job = ImportJob.objects.select_related("concept", "user").get(pk=job_id)
    # Read before the rows are compared: a change while they are moves the version past this one.
    version = data_version()
    outcome = _run(job, dry_run=True)
    if outcome is None:
        return
    if outcome.ok:
        _finish(job.pk, State.PREVIEWED, outcome=outcome, keep_file=True, version=version)
    else:
        _finish(job.pk, State.REFUSED, outcome=outcome)


def job_run_confirm(job_id) -> None:
    job = ImportJob.objects.select_related("concept", "user").filter(pk=job_id, state=State.CONFIRM_QUEUED).first()
    if job is None:
        return  # claimed by an earlier run of this task

    def claim():
        # Inside the import's transaction, under the concept's lock: the claim and the import's
        # writes commit together or not at all.
        return ImportJob.objects.filter(pk=job.pk, state=State.CONFIRM_QUEUED).update(state=State.IMPORTING) == 1

    result = job.result or {}
    outcome = _run(
        job,
        dry_run=False,
        claim=claim,
        preview=ImportOutcome.from_dict(result) if result else None,
        preview_version=datetime.fromisoformat(result["data_version"]) if result.get("data_version") else None,
    )
    if outcome is None or outcome.already_done:
        return
    if outcome.differs_from_preview:
        # Somebody changed the catalogue after the preview: the file would now overwrite that. The
        # person sees what the import would do now and decides again.
        _finish(
            job.pk,
            State.PREVIEWED,
            outcome=outcome,
            keep_file=True,
            message=_(
                "Seit der Vorschau hat sich der Katalog geändert; es wurde nichts gespeichert. Die Vorschau zeigt "
                "jetzt, was der Import ändern würde. Bitte prüfen Sie sie und bestätigen Sie erneut."
            ),
        )
        return
    if outcome.ok:
        _finish(job.pk, State.DONE, outcome=outcome)
    else:
        # The catalogue changed since the preview; nothing was written.
        _finish(job.pk, State.FAILED, outcome=outcome, message=_("Seit der Vorschau hat sich der Katalog geändert."))
