"""Writing the catalogue workbook in exactly the format the import reads, and the blank template.

The workbook has one sheet per registered sheet type (fields of action, goals, units,
measures), a sheet „Werte“ with the allowed values, and a hidden sheet „Datenstand“ with the
time of the export. Excel files get dropdowns (data validation) where a cell takes a listed
value, real date and number cells, and text cells neutralised against formula injection.
CSV (one table) carries the measures only.
"""

import csv
import io
import json

import tablib
from django.utils import timezone, translation

from ..choices import Ampel, Direction, Frequency, FundingStatus, Status, UnitKind
from ..models import BreakdownCategory, FieldOfAction, Goal, Indicator, Measure, ResponsibleUnit
from ..spreadsheets import neutralise_formula
from .resources import ImportContext
from .sheets import MEASURES_SHEET, STATE_SHEET, VALUES_SHEET, sheets_to_write
from .state import state_rows
from .workbook_xlsx import render_xlsx

EXPORT_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


class _ExportContext(ImportContext):
    """The lookups the widgets need to render cells; an export resolves no names."""

    def __post_init__(self):
        self.fields_by_number, self.goals_by_number, self.units = {}, {}, {}
        self.reindex_units()


def _querysets(concept):
    return {
        "Handlungsfelder": FieldOfAction.objects.filter(concept=concept).order_by("number"),
        "Ziele": Goal.objects.filter(concept=concept).order_by("number"),
        "Stellen": ResponsibleUnit.objects.select_related("parent").order_by("name"),
        MEASURES_SHEET: Measure.objects.filter(concept=concept)
        .select_related("field_of_action")
        .prefetch_related("goals", "responsibilities__unit")
        .order_by("sort_key"),
    }


def catalogue_datasets(concept, *, include_internal: bool, only=None) -> list:
    """The concept's catalogue as rendered text: ``[(sheet title, Dataset)]`` in sheet order
    (``only`` the sheet of that title)."""
    context = _ExportContext(concept=concept, include_internal=include_internal)
    querysets = _querysets(concept)
    with translation.override("de"):
        return [
            (sheet.title, sheet.resource(context).export(querysets.get(sheet.title)))
            for sheet in sheets_to_write()
            if only in (None, sheet.title)
        ]


def allowed_values(concept) -> dict:
    """The lists behind the dropdowns, as the sheet „Werte“ shows them."""
    with translation.override("de"):
        return {
            "Umsetzungsstand": [str(label) for _value, label in Status.choices],
            "Ampel": [str(label) for _value, label in Ampel.choices],
            "Finanzierung": [str(label) for _value, label in FundingStatus.choices],
            "Art der Stelle": [str(label) for _value, label in UnitKind.choices],
            "ja/nein": ["ja", "nein"],
            "Handlungsfelder": [
                str(n) for n in FieldOfAction.objects.filter(concept=concept).values_list("number", flat=True)
            ],
            "Ziele": [str(n) for n in Goal.objects.filter(concept=concept).values_list("number", flat=True)],
            "Stellen": list(ResponsibleUnit.objects.order_by("name").values_list("name", flat=True)),
            "Richtung": [str(label) for _value, label in Direction.choices],
            "Erhebung": [str(label) for _value, label in Frequency.choices],
            **_indicator_lists(concept),
        }


def _indicator_lists(concept) -> dict:
    """The measures and indicators of the concept (none without one) and the breakdown groups."""
    categories = list(BreakdownCategory.objects.select_related("dimension"))
    lists = {
        "Maßnahmen": [],
        "Indikatoren": [],
        "Merkmale": sorted({category.dimension.name for category in categories}),
        "Ausprägungen": list(dict.fromkeys(category.name for category in categories)),
    }
    if concept is not None:
        lists["Maßnahmen"] = list(
            Measure.objects.filter(concept=concept).order_by("sort_key").values_list("code", flat=True)
        )
        lists["Indikatoren"] = [
            str(number) for number in Indicator.objects.filter(concept=concept).values_list("number", flat=True)
        ]
    return lists


def render_catalogue(concept, file_format: str, *, include_internal: bool, datasets=None, with_state=True) -> bytes:
    if datasets is None:
        only = MEASURES_SHEET if file_format in ("csv", "json") else None  # one table: the measures
        datasets = catalogue_datasets(concept, include_internal=include_internal, only=only)
    measures = dict(datasets)[MEASURES_SHEET]
    if file_format == "json":
        return json.dumps(list(measures.dict), ensure_ascii=False, indent=2).encode("utf-8")
    if file_format == "csv":
        # German Excel opens UTF-8 with BOM and semicolons directly, umlauts intact.
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(measures.headers)
        writer.writerows([[neutralise_formula(value) for value in row] for row in measures])
        return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
    values = allowed_values(concept)
    state = state_rows(concept, timezone.now()) if concept and with_state else None
    if file_format == "xlsx":
        return render_xlsx(datasets, values, state)
    if file_format == "ods":
        book = tablib.Databook()
        for title, dataset in datasets:
            rows = [[neutralise_formula(value) for value in row] for row in dataset]
            book.add_sheet(tablib.Dataset(*rows, headers=dataset.headers, title=title))
        book.add_sheet(_values_dataset(values))
        if state:
            book.add_sheet(tablib.Dataset(*state[1:], headers=state[0], title=STATE_SHEET))
        return book.export("ods")
    raise ValueError(file_format)


def _values_dataset(values) -> tablib.Dataset:
    height = max(len(column) for column in values.values())
    rows = [[column[n] if n < len(column) else "" for column in values.values()] for n in range(height)]
    return tablib.Dataset(*rows, headers=list(values), title=VALUES_SHEET)


def export_catalogue(concept, file_format: str, *, include_internal: bool) -> bytes:
    return render_catalogue(concept, file_format, include_internal=include_internal)


def blank_template(file_format: str = "xlsx", concept=None) -> bytes:
    """Every sheet with its headings and one example row, the allowed values and the dropdowns."""
    datasets = []
    for sheet in sheets_to_write():
        headers = sheet.resource.column_names(include_internal=True)
        example = [*sheet.example, *[""] * (len(headers) - len(sheet.example))]
        datasets.append((sheet.title, tablib.Dataset(example, headers=headers)))
    return render_catalogue(concept, file_format, include_internal=True, datasets=datasets, with_state=False)


def export_file_name(concept, file_format: str) -> str:
    return f"massnahmen-{concept.slug}.{file_format}"
