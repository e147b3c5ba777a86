"""Open data: the public fields of the public measures as CSV, XLSX and JSON.

Only what the public pages show goes out: never internal notes, contact addresses or
unpublished data. The column list below is the documentation too: the page "Offene Daten"
and the Frictionless Data Package (``data_package``) with its Table Schema are made from it.
"""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..addresses import absolute
from ..choices import Ampel, FundingStatus, OpenDataLicence, Role, Status
from ..models import MeasureResponsibility
from ..tables import FORMAT_LABELS, FORMATS, Column, Table, table_response

PUBLISHER = _("Landeshauptstadt Potsdam, Büro für Chancengleichheit und Vielfalt")
PUBLISHER_EMAIL = "chancengleichheit@rathaus.potsdam.de"


def _units(measure, role):
    return "; ".join(unit.name for unit in measure.units_of_role(role, measure.public_responsibilities))


COLUMNS = [
    Column("nummer", _("Nummer der Maßnahme im Konzept (Text: „1.10“ ist nicht „1.1“)"), required=True),
    Column("titel", _("Titel der Maßnahme"), required=True),
    Column("vorlaeufig", _("„ja“, wenn Titel und Nummer noch nicht die des amtlichen Katalogs sind"), "boolean"),
    Column("handlungsfeld_nummer", _("Nummer des Handlungsfelds"), "integer", required=True),
    Column("handlungsfeld", _("Titel des Handlungsfelds"), required=True),
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
    Column("umsetzungsstand", _("aktueller Umsetzungsstand"), choices=Status, required=True),
    Column("ampel", _("Ampel (Einschätzung zum Zeitplan)"), choices=Ampel, required=True),
    Column("fortschritt_prozent", _("gemeldeter Fortschritt in Prozent; leer, wenn keiner gemeldet ist"), "integer"),
    Column("begruendung", _("öffentlicher Text der neuesten veröffentlichten Meldung")),
    Column("stand_vom", _("Datum der neuesten veröffentlichten Meldung (JJJJ-MM-TT)"), "date"),
    Column("adresse", _("Internetadresse der Maßnahme auf dieser Website"), "url", required=True),
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


def measure_row(measure) -> dict:
    """One measure as typed values (JSON types); the keys are those of ``COLUMNS``.

    An empty text is a missing value: ``None`` (JSON ``null``, an empty cell in CSV and XLSX).
    """
    row = {
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
        "adresse": absolute(measure.get_absolute_url()),
    }
    return {key: None if value == "" else value for key, value in row.items()}


def filename(concept, fmt):
    return f"{concept.slug}-massnahmen.{fmt}"


def licence(concept) -> dict:
    """The licence of a concept's open data, as the files' metadata name it."""
    chosen = OpenDataLicence(concept.open_data_licence)
    return {"name": chosen.value, "titel": str(chosen.label), "uri": chosen.uri, "text": chosen.text_url}


def concept_head(concept) -> dict:
    """What every JSON download of a concept says before its rows."""
    return {
        "konzept": {
            "titel": concept.title,
            "laufzeit": [concept.start_year, concept.end_year],
            "demonstration": concept.is_demo,
            "adresse": absolute(reverse("dashboard", args=[concept.slug])),
            "lizenz": licence(concept),
            "beschreibung_der_daten": absolute(reverse("data_package", args=[concept.slug])),
        }
    }


def document_properties(concept, title) -> dict:
    """The XLSX document properties of a concept's download: title, publisher and licence."""
    terms = licence(concept)
    return {
        "title": f"{title}: {concept.title}",
        "creator": str(PUBLISHER),
        "description": f"{_('Lizenz')}: {terms['titel']} ({terms['text']})",
        "custom": [("Lizenz", terms["titel"]), ("Lizenz-URI", terms["uri"])],
    }


def export_response(fmt: str, concept, measures) -> HttpResponse:
    rows = [measure_row(measure) for measure in export_queryset(measures)]
    sheet = str(_("Maßnahmen"))
    table = Table(COLUMNS, rows, sheet, "massnahmen", concept_head(concept), document_properties(concept, sheet))
    return table_response(fmt, table, filename=filename(concept, fmt))


# Table Schema (https://specs.frictionlessdata.io/table-schema/) of the columns above: tools that
# read the files through it keep „1.10“ as text and know dates, numbers and „ja“/„nein“.
_SCHEMA_TYPES = {"text": "string", "url": "string", "integer": "integer", "number": "number", "date": "date"}


def _schema_field(column: Column) -> dict:
    field = {"name": column.key, "description": str(column.description)}
    if column.kind == "boolean":
        field.update(type="boolean", trueValues=["ja"], falseValues=["nein"])
    else:
        field["type"] = _SCHEMA_TYPES[column.kind]
    if column.kind == "url":
        field["format"] = "uri"
    constraints = {}
    if column.required:
        constraints["required"] = True
    if column.choices:
        constraints["enum"] = [str(label) for label in column.choices.labels]
    if column.kind == "integer" and column.key == "fortschritt_prozent":
        constraints.update(minimum=0, maximum=100)
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema() -> dict:
    return {
        "fields": [_schema_field(column) for column in COLUMNS],
        "primaryKey": ["nummer"],
        "missingValues": [""],
    }


def data_package(concept) -> dict:
    """A Frictionless Data Package describing the concept's downloads: columns, types, licence."""
    terms = licence(concept)
    schema = table_schema()

    def resource(fmt, **details):
        return {
            "name": "massnahmen-" + fmt.replace(".", "-"),
            "path": absolute(reverse("measure_export", args=[concept.slug, fmt])),
            "title": str(FORMAT_LABELS[fmt]),
            "mediatype": FORMATS[fmt].split(";")[0],
            **details,
        }

    csv_details = {"format": "csv", "encoding": "utf-8", "schema": schema}
    return {
        "profile": "data-package",
        "name": f"{concept.slug}-massnahmen",
        "title": f"{_('Maßnahmen')}: {concept.title}",
        "description": str(
            _(
                "Die öffentlichen Angaben zu den veröffentlichten Maßnahmen des Konzepts und ihr aktueller "
                "Umsetzungsstand (neueste veröffentlichte Sachstandsmeldung)."
            )
        )
        + (" " + str(_("Demonstration: erfundene Beispieldaten.")) if concept.is_demo else ""),
        "homepage": absolute(reverse("dashboard", args=[concept.slug])),
        "licenses": [
            {"name": OpenDataLicence(concept.open_data_licence).spdx, "path": terms["text"], "title": terms["titel"]}
        ],
        "contributors": [{"title": str(PUBLISHER), "email": PUBLISHER_EMAIL, "role": "publisher"}],
        "keywords": ["Integration", "Potsdam", str(_("Maßnahmen")), str(_("Umsetzungsstand"))],
        "resources": [
            resource("csv", **csv_details, dialect={"delimiter": ","}),
            resource("semikolon.csv", **csv_details, dialect={"delimiter": ";"}),
            resource("xlsx", format="xlsx", schema=schema),
            resource(
                "json",
                format="json",
                encoding="utf-8",
                description=str(
                    _(
                        "Ein Objekt mit „konzept“, „anzahl“ und „massnahmen“: einer Liste von Objekten mit den "
                        "Spalten des Schemas als Schlüsseln; fehlende Werte sind null."
                    )
                ),
            ),
        ],
    }
