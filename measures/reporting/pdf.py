"""The Sachstandsbericht as a PDF, generated on the server with WeasyPrint.

Tagged PDF/UA-1 (structure, document language from ``<html lang>``, title from ``<title>``), so
that screen readers can read the document that goes to the council. The layout is the template
``report_document.html`` with ``static/css/report-pdf.css``; nothing is fetched from elsewhere.
"""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from .rounds import Report

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
STYLESHEET = "css/report-pdf.css"


def _stylesheets() -> list[CSS]:
    with open(finders.find(STYLESHEET), encoding="utf-8") as file:
        css = file.read()
    # Page numbers in the document's language; CSS strings cannot be translated in the file.
    page_of = _("Seite %(page)s von %(pages)s") % {"page": '" counter(page) "', "pages": '" counter(pages) "'}
    css += '@page { @bottom-right { content: "%s"; font-size: 7.5pt; } }' % page_of  # noqa: UP031 - CSS braces
    return [CSS(string=css)]


def report_document(report: Report):
    """The laid-out document (WeasyPrint's ``Document``: pages with their boxes), before writing the PDF."""
    html = render_to_string(
        "measures/staff/report_document.html",
        {"report": report, "round": report.report_round, "created": timezone.localtime()},
    )
    # The report holds only text from the database; refusing every URL keeps it so.
    no_fetching = URLFetcher(allowed_protocols=())
    return HTML(string=html, url_fetcher=no_fetching).render(stylesheets=_stylesheets(), **PDF_OPTIONS)


def report_pdf(report: Report) -> bytes:
    return report_document(report).write_pdf(**PDF_OPTIONS)


def report_file_name(report: Report) -> str:
    suffix = "-intern" if report.include_unpublished else ""
    return f"sachstandsbericht-{report.report_round.cut_off_date:%Y-%m-%d}{suffix}.pdf"
