"""The Sachstandsbericht as a PDF: tagged, with language and title, every table within an A4 page,
secondary lines smaller than titles, unpublished measures left out unless the Büro asks, and the
PDF of a closed round kept in the archive."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader
from weasyprint.formatting_structure import boxes

from measures.choices import Role, Status, UpdateState
from measures.models import FieldOfAction, Goal, Measure, MeasureResponsibility, ReportArchive, ReportRound
from measures.reporting.pdf import report_document
from measures.reporting.rounds import report_for
from tests.reporting.conftest import hidden_fields, make_update

A4_MM = (210, 297)
LONG_WORD = "Integrationsmonitoringkennzahlenabstimmungsverfahren" * 2


@pytest.fixture
def report_round(concept, field, goal, measure_a, measure_b, unit_a, reporter_a):
    """A round with long titles and texts, every status in the totals, and one unpublished measure."""
    second_field = FieldOfAction.objects.create(
        concept=concept, number=2, title="Vielfältige Stadtgesellschaft und Teilhabe", slug="teilhabe"
    )
    long_goal = Goal.objects.create(
        concept=concept, number=2, title="Migrantenselbstorganisationen wirken gleichberechtigt an allen Gremien mit"
    )
    for number, status in enumerate(Status, 1):
        measure = Measure.objects.create(
            concept=concept,
            field_of_action=second_field,
            code=f"2.{number}",
            title=f"Beratungsangebote für Familien mit Migrationsgeschichte im Stadtteil vernetzen ({number})",
            published=True,
        )
        measure.goals.add(goal, long_goal)
        MeasureResponsibility.objects.create(measure=measure, unit=unit_a, role=Role.LEAD)
        if status != Status.NO_REPORT:
            make_update(
                measure,
                reporter_a,
                state=UpdateState.PUBLISHED,
                published_at=timezone.now(),
                status=status,
                progress=None if status in (Status.POSTPONED, Status.DROPPED) else 50,
                reporting_date=datetime.date(2025, 6, 1),
                public_text=f"Sachstand mit einem langen Wort: {LONG_WORD}. " * 3,
            )
    hidden = Measure.objects.create(concept=concept, field_of_action=field, code="1.9", title="Noch nicht freigegeben")
    MeasureResponsibility.objects.create(measure=hidden, unit=unit_a, role=Role.LEAD)
    return ReportRound.objects.create(
        concept=concept,
        title="Sachstandsbericht 2025",
        cut_off_date=datetime.date(2025, 6, 30),
        deadline=datetime.date(2025, 7, 31),
    )


def _struct_types(node, found, depth=0):
    node = node.get_object()
    if depth > 40:
        return found
    if "/S" in node:
        found.add(str(node["/S"]))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
            _struct_types(kid, found, depth + 1)
    return found


def test_buero_downloads_a_tagged_pdf_with_language_and_title(client, buero_user, report_round):
    client.force_login(buero_user)
    response = client.get(f"/berichtsrunden/{report_round.pk}/bericht.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="sachstandsbericht-2025-06-30.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "de"
    assert reader.metadata.title == "Sachstandsbericht: Sachstandsbericht 2025 – Testkonzept"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data()
    tags = _struct_types(catalog["/StructTreeRoot"], set())
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/P"} <= tags
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Sachstandsbericht 2025" in text and "Stichtag 30.06.2025" in text
    assert "Seite 1 von" in text
    # Not published, not in the document that is passed on.
    assert "Noch nicht freigegeben" not in text
    assert "1 nicht veröffentlichte Maßnahme ist nicht enthalten." in text


def _walk(box, classes=frozenset()):
    element = getattr(box, "element", None)
    if element is not None and getattr(box, "element_tag", None) and not isinstance(box, boxes.TextBox):
        classes = classes | set((element.get("class") or "").split())
    yield box, classes
    for child in getattr(box, "children", ()):
        yield from _walk(child, classes)


def test_every_table_fits_an_a4_page_and_secondary_lines_are_not_larger_than_titles(report_round):
    document = report_document(report_for(report_round, include_unpublished=True))
    assert len(document.pages) >= 2
    tables, meta_sizes, title_sizes = 0, set(), set()
    for page in document.pages:
        assert (round(page.width * 25.4 / 96), round(page.height * 25.4 / 96)) == A4_MM
        page_box = page._page_box
        right_edge = page_box.content_box_x() + page_box.width
        cell_right = None
        for box, classes in _walk(page_box):
            if isinstance(box, boxes.TableBox):
                tables += 1
                assert box.position_x + box.margin_width() <= right_edge + 0.5
            if isinstance(box, boxes.TableCellBox):
                cell_right = box.border_box_x() + box.border_width()
                assert cell_right <= right_edge + 0.5
            if isinstance(box, boxes.TextBox) and box.text.strip():
                if cell_right is not None and {"totals", "report-table"} & classes:
                    assert box.position_x + box.width <= cell_right + 0.5, box.text
                assert box.position_x + box.width <= right_edge + 0.5, box.text
                if "meta" in classes:
                    meta_sizes.add(box.style["font_size"])
                if "report-title" in classes:
                    title_sizes.add(box.style["font_size"])
    assert tables >= 2
    assert meta_sizes and title_sizes
    assert max(meta_sizes) < min(title_sizes)


def test_unpublished_measures_only_when_the_buero_asks_and_then_marked(client, buero_user, report_round):
    client.force_login(buero_user)
    url = f"/berichtsrunden/{report_round.pk}/bericht/"
    content = client.get(url).content.decode()
    assert "Noch nicht freigegeben" not in content
    assert "1 nicht veröffentlichte Maßnahme ist nicht enthalten." in content
    content = client.get(url, {"unveroeffentlichte": "ja"}).content.decode()
    assert 'Noch nicht freigegeben</span> <strong class="unpublished">(nicht veröffentlicht)</strong>' in content
    assert "nur für den internen Gebrauch" in content

    sheets = {}
    for query in ({}, {"unveroeffentlichte": "ja"}):
        response = client.get(f"/berichtsrunden/{report_round.pk}/bericht.xlsx", query)
        sheet = load_workbook(io.BytesIO(response.content))["Sachstand"]
        sheets[bool(query)] = [row for row in sheet.iter_rows(values_only=True) if row and row[0]]
    assert not any("Noch nicht freigegeben" in row for row in sheets[False])
    assert ("Hinweis", "Nicht veröffentlichte Maßnahmen sind nicht enthalten: 1") in [row[:2] for row in sheets[False]]
    header = next(row for row in sheets[True] if row[0] == "Nr.")
    hidden = next(row for row in sheets[True] if row[0] == "1.9")
    assert hidden[header.index("veröffentlicht")] == "nein"


def test_closing_the_round_archives_its_pdf_for_the_buero(client, buero_user, reporter_a, report_round):
    client.force_login(buero_user)
    response = client.post(f"/berichtsrunden/{report_round.pk}/abschliessen/", follow=True)
    content = response.content.decode()
    assert "der Sachstandsbericht wurde als PDF archiviert" in content
    report_round.refresh_from_db()
    assert report_round.closed
    archive = ReportArchive.objects.get(report_round=report_round)
    assert archive.created_by == buero_user and archive.file_name == "sachstandsbericht-2025-06-30.pdf"
    assert f'href="/berichtsrunden/{report_round.pk}/archiv/{archive.pk}.pdf"' in content

    # A second click changes nothing.
    again = client.post(f"/berichtsrunden/{report_round.pk}/abschliessen/", follow=True).content.decode()
    assert "bereits abgeschlossen" in again
    assert ReportArchive.objects.filter(report_round=report_round).count() == 1

    download = client.get(archive.get_absolute_url())
    assert download["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(download.content)).pages)
    assert "Sachstandsbericht 2025" in text and "Noch nicht freigegeben" not in text

    # Reporters and anonymous visitors get no report and no archive.
    client.force_login(reporter_a)
    assert client.get(archive.get_absolute_url()).status_code == 403
    assert client.get(f"/berichtsrunden/{report_round.pk}/bericht.pdf").status_code == 403
    client.logout()
    assert client.get(archive.get_absolute_url()).status_code == 302


def test_closing_the_round_in_the_admin_archives_its_pdf_too(client, buero_user, report_round):
    client.force_login(buero_user)
    url = reverse("admin:measures_reportround_change", args=[report_round.pk])
    form = hidden_fields(client.get(url))
    data = {
        **form,
        "concept": report_round.concept_id,
        "title": report_round.title,
        "cut_off_date": "30.06.2025",
        "deadline": "31.07.2025",
        "closed": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    archive = ReportArchive.objects.get(report_round=report_round)
    assert bytes(archive.content).startswith(b"%PDF")
    assert archive.size == len(bytes(archive.content))
    content = client.get(url).content.decode()
    assert "sachstandsbericht-2025-06-30.pdf" in content
