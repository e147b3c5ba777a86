"""Closing a report round keeps its Sachstandsbericht as the PDF it was on that day."""

from django.conf import settings
from django.db import transaction
from django.utils import translation

from ..models import ReportArchive, ReportRound
from .pdf import report_file_name, report_pdf
from .rounds import report_for


@transaction.atomic
def report_round_archive(*, report_round: ReportRound, user) -> ReportArchive:
    """Store the round's report as a PDF: in the site's language, published measures only (the
    document that is passed on). Every call adds a copy; none is ever replaced."""
    with translation.override(settings.LANGUAGE_CODE):
        report = report_for(report_round)
        content = report_pdf(report)
        file_name = report_file_name(report)
    archive = ReportArchive(report_round=report_round, created_by=user, file_name=file_name)
    archive.set_content(content)
    archive.save()
    return archive


@transaction.atomic
def report_round_close(*, report_round: ReportRound, user) -> ReportArchive | None:
    """Close an open round and archive its report; None if it was closed already (a second click)."""
    locked = ReportRound.objects.select_for_update().get(pk=report_round.pk)
    if locked.closed:
        return None
    locked.closed = True
    locked._history_user = user
    locked.save(update_fields=["closed"])
    return report_round_archive(report_round=locked, user=user)
