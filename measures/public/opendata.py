"""Open data: the public fields of the public measures as CSV, XLSX and JSON.

Only what the public pages show goes out: never internal notes, contact addresses or
unpublished data. The column list below is the documentation too (page "Offene Daten").
"""

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..choices import Ampel, FundingStatus, Role, Status
from ..models import MeasureResponsibility
from ..spreadsheets import neutralise_formula

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
# How the download links name each format, on the measure list and the open data page.
FORMAT_LABELS = {"csv": _("CSV"), "xlsx": _("Excel (XLSX)"), "json": _("JSON")}


@dataclass(frozen=True)
class Column:
    key: str
    description: Any
    kind: str = "text"  # text, number, date, boolean, url
    choices: Any = None  # the TextChoices whose labels the column holds

    @property
    def values(self) -> str:
        return ", ".join(f"„{label}“" for label in self.choices.labels) if self.choices else ""


def _units(measure, role):
    return "; ".join(unit.name for unit in measure.units_of_role(role, measure.public_responsibilities))


COLUMNS = [
    Column("nummer", _("Nummer der Maßnahme im Konzept")),
    Column("titel", _("Titel der Maßnahme")),
    Column("vorlaeufig", _("„ja“, wenn Titel und Nummer noch nicht die des amtlichen Katalogs sind"), "boolean"),
    Column("handlungsfeld_nummer", _("Nummer des Handlungsfelds"), "number"),
    Column("handlungsfeld", _("Titel des Handlungsfelds")),
    Column("ziele", _("Nummern der Ziele, getrennt durch „; “")),
    Column("federfuehrung", _("federführende Stellen, getrennt durch „; “")),
    Column("beteiligt", _("beteiligte Stellen, getrennt durch „; “")),
    Column("kurzbeschreibung", _("Kurzbeschreibung")),
    Column("beschreibung", _("Beschreibung")),
    Column("ziel_indikator", _("Ziel bzw. Indikator der Maßnahme")),
    Column("zielgruppen", _("Zielgruppen")),
    Column("beginn", _("geplanter Beginn (JJJJ-MM-TT)"), "date"),
    Column("ende", _("geplantes Ende (JJJJ-MM-TT); leer bei fortlaufenden Maßnahmen"), "date"),
    Column("fortlaufend", _("„ja“ bei Daueraufgaben ohne geplantes Ende"), "boolean"),
    Column("budget_eur", _("Budget in Euro; leer, wenn keines angegeben ist"), "number"),
    Column("finanzierung", _("Finanzierungsstand"), choices=FundingStatus),
    Column("umsetzungsstand", _("aktueller Umsetzungsstand"), choices=Status),
    Column("ampel", _("Ampel (Einschätzung zum Zeitplan)"), choices=Ampel),
    Column("fortschritt_prozent", _("gemeldeter Fortschritt in Prozent; leer, wenn keiner gemeldet ist"), "number"),
    Column("begruendung", _("öffentlicher Text der neuesten veröffentlichten Meldung")),
    Column("stand_vom", _("Datum der neuesten veröffentlichten Meldung (JJJJ-MM-TT)"), "date"),
    Column("adresse", _("Internetadresse der Maßnahme auf dieser Website"), "url"),
]


def export_queryset(queryset):
    """The measures with everything the export needs, in a constant number of queries."""
    return queryset.select_related("concept", "field_of_action").prefetch_related(
        "goals",
        Prefetch(
            "responsibilities",
            queryset=MeasureResponsibility.objects.select_related("unit").lead_first(),
            to_attr="public_responsibilities",
        ),
    )


def measure_row(measure, request) -> dict:
    """One measure as typed values (JSON types); the keys are those of ``COLUMNS``."""
    return {
        "nummer": measure.code,
        "titel": measure.title,
        "vorlaeufig": measure.provisional,
        "handlungsfeld_nummer": measure.field_of_action.number,
        "handlungsfeld": measure.field_of_action.title,
        "ziele": "; ".join(str(goal.number) for goal in sorted(measure.goals.all(), key=lambda g: g.number)),
        "federfuehrung": _units(measure, Role.LEAD),
        "beteiligt": _units(measure, Role.PARTNER),
        "kurzbeschreibung": measure.summary,
        "beschreibung": measure.description,
        "ziel_indikator": measure.target,
        "zielgruppen": measure.target_groups,
        "beginn": measure.planned_start,
        "ende": measure.planned_end,
        "fortlaufend": measure.ongoing,
        "budget_eur": measure.budget,
        "finanzierung": measure.get_funding_status_display(),
        "umsetzungsstand": measure.get_status_display(),
        "ampel": measure.get_ampel_display(),
        "fortschritt_prozent": measure.progress,
        "begruendung": measure.status_justification,
        "stand_vom": measure.status_date,
        "adresse": request.build_absolute_uri(measure.get_absolute_url()),
    }


class _JSONEncoder(DjangoJSONEncoder):
    """Amounts as JSON numbers (DjangoJSONEncoder would write them as strings)."""

    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def _cell(value):
    """A value for CSV and XLSX: text neutralised against formula injection, ja/nein for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, str):
        return neutralise_formula(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _filename(concept, extension):
    return f"{concept.slug}-massnahmen.{extension}"


def export_response(fmt: str, concept, measures, request) -> HttpResponse:
    rows = [measure_row(measure, request) for measure in export_queryset(measures)]
    response = HttpResponse(content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{_filename(concept, fmt)}"'
    if fmt == "json":
        document = {
            "konzept": {
                "titel": concept.title,
                "laufzeit": [concept.start_year, concept.end_year],
                "demonstration": concept.is_demo,
                "adresse": request.build_absolute_uri(reverse("dashboard", args=[concept.slug])),
            },
            "anzahl": len(rows),
            "massnahmen": rows,
        }
        response.content = json.dumps(document, cls=_JSONEncoder, ensure_ascii=False, indent=1)
    elif fmt == "csv":
        # A byte order mark so that spreadsheet programs read the file as UTF-8.
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow([column.key for column in COLUMNS])
        for row in rows:
            writer.writerow([_cell(row[column.key]) for column in COLUMNS])
        response.content = buffer.getvalue().encode("utf-8")
    else:
        response.content = _xlsx(rows)
    return response


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Maßnahmen")))
    sheet.append([column.key for column in COLUMNS])
    for row in rows:
        values = []
        for column in COLUMNS:
            value = row[column.key]
            # Numbers stay numbers; everything else is written as neutralised text.
            is_number = column.kind == "number" and value is not None
            values.append((value if isinstance(value, int) else float(value)) if is_number else _cell(value))
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
