"""Previewing an uploaded catalogue workbook and importing it in one transaction.

All sheets of the file are checked in one preview and written in one transaction: nothing is
written unless every sheet is free of problems. A confirmed import locks its concept, so
imports into one concept run one after the other, and works out the changes again under that
lock: a second confirm of the same file finds what the first one wrote and changes nothing.
(Unless the preview found nothing to change and the public data version has not moved since:
then there is nothing to work out.)
"""

import logging
from dataclasses import dataclass, field, replace

from django.db import InterfaceError, OperationalError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ..models import Concept, ImportRecord
from ..versions import bump_data_version, bumps_once, data_version
from .checking import RowProblem, build_dataset, check_columns
from .files import ImportFileError
from .reading import read_workbook
from .resources import Change, ImportContext
from .sheets import MEASURES_SHEET, STATE_SHEET, sheet_types
from .state import cells_changed_since, data_changed_since, exported_at_of

logger = logging.getLogger(__name__)


@dataclass
class PreviewRow:
    sheet: str
    line: int
    code: str
    kind: str  # "new", "changed", "unchanged", "error"
    changes: list = field(default_factory=list)  # Change, one per changed cell
    problems: list = field(default_factory=list)

    @property
    def kind_label(self):
        return {"new": _("neu"), "changed": _("geändert"), "unchanged": _("unverändert"), "error": _("Fehler")}[
            self.kind
        ]

    @property
    def changed_columns(self):
        return [change.column for change in self.changes]


@dataclass
class ImportOutcome:
    rows: list
    problems: list
    file_format: str
    record: ImportRecord | None = None
    sheets: list = field(default_factory=list)
    file_is_older: bool = False
    already_done: bool = False  # the preview had been confirmed before
    # The confirm would have written something its preview did not show; nothing was written.
    differs_from_preview: bool = False

    def count(self, kind, sheet=None):
        return sum(1 for row in self.rows if row.kind == kind and (sheet is None or row.sheet == sheet))

    @property
    def counts(self):
        """The counts of the measures sheet (the catalogue's rows), as the summary shows them."""
        return {kind: self.count(kind, MEASURES_SHEET) for kind in ("new", "changed", "unchanged", "error")}

    @property
    def sheet_counts(self):
        return [
            {"sheet": sheet, **{kind: self.count(kind, sheet) for kind in ("new", "changed", "unchanged", "error")}}
            for sheet in self.sheets
        ]

    @property
    def names_sheets(self):
        """Whether the pages name each row's sheet: always, unless the file is the measures alone."""
        return self.sheets != [MEASURES_SHEET]

    @property
    def has_measures(self):
        return MEASURES_SHEET in self.sheets

    @property
    def ok(self):
        return not self.problems

    @property
    def has_changes(self):
        return any(row.kind in ("new", "changed") for row in self.rows)

    def writes(self) -> set:
        """What this outcome writes, cell by cell, with the value it replaces."""
        return {
            (row.sheet, row.code, row.kind, change.column, change.old, change.new)
            if change
            else (row.sheet, row.code, row.kind)
            for row in self.rows
            if row.kind in ("new", "changed")
            for change in (row.changes or [None])
        }

    def to_dict(self) -> dict:
        """The outcome as JSON-ready data, kept with a background import for its result page."""
        return {
            "rows": [_row_dict(row) for row in self.rows if row.kind != "unchanged"],
            "unchanged": [[sheet, self.count("unchanged", sheet)] for sheet in self.sheets],
            "problems": [vars(problem).copy() for problem in self.problems],
            "file_format": self.file_format,
            "sheets": self.sheets,
            "file_is_older": self.file_is_older,
            "already_done": self.already_done,
            "record": self.record.pk if self.record else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ImportOutcome":
        rows = [
            PreviewRow(
                **{
                    **row,
                    "changes": [Change(**change) for change in row["changes"]],
                    "problems": [RowProblem(**problem) for problem in row["problems"]],
                }
            )
            for row in data["rows"]
        ]
        for sheet, count in data["unchanged"]:
            rows += [PreviewRow(sheet=sheet, line=0, code="", kind="unchanged")] * count
        outcome = cls(
            rows=rows,
            problems=[RowProblem(**problem) for problem in data["problems"]],
            file_format=data["file_format"],
            sheets=data["sheets"],
            file_is_older=data["file_is_older"],
            already_done=data["already_done"],
        )
        outcome.record = ImportRecord.objects.filter(pk=data["record"]).first() if data["record"] else None
        return outcome


def _row_dict(row: PreviewRow) -> dict:
    # What dataclasses.asdict gives, without its deep copy of every value: a new row of 5,000
    # lists each of its filled cells (bench/README.md, „Import“).
    return {
        **vars(row),
        "changes": [vars(change).copy() for change in row.changes],
        "problems": [vars(problem).copy() for problem in row.problems],
    }


def _row_problems(sheet, row_result) -> list:
    problems = []
    if row_result.validation_error is not None:
        for column, errors in row_result.validation_error.message_dict.items():
            value = row_result.row_values.get(column) if row_result.row_values else None
            for message in errors:
                problems.append(RowProblem(row_result.line, column, _display(value), message, sheet=sheet))
    for error in row_result.errors:
        # The exception is for the maintainer's log; the Büro gets a sentence it can act on.
        logger.error("Import of line %s of sheet %s failed", row_result.line, sheet, exc_info=error.error)
        problems.append(
            RowProblem(
                row_result.line,
                "",
                "",
                _(
                    "Die Zeile konnte wegen eines internen Fehlers nicht verarbeitet werden. Bitte wenden Sie sich "
                    "an die technische Betreuung."
                ),
                sheet=sheet,
            )
        )
    return problems


def _raise_connection_error(result) -> None:
    """A lost database connection is no problem of the file: raised again, for the caller to say so.

    django-import-export collects every exception of a sheet or row into the result; one of these
    would otherwise be shown as a defect of the file, or as a catalogue changed since the preview.
    """
    errors = [error.error for error in result.base_errors]
    errors += [error.error for row in result.rows for error in row.errors]
    for error in errors:
        if isinstance(error, OperationalError | InterfaceError):
            raise error


def _display(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(value)[:200]


def _kind(row_result, problems) -> str:
    if problems:
        return "error"
    if row_result.import_type == row_result.IMPORT_TYPE_NEW:
        return "new"
    if row_result.import_type == row_result.IMPORT_TYPE_UPDATE:
        return "changed"
    return "unchanged"


def read_catalogue(data: bytes, file_name: str):
    """The file's format and its catalogue sheets (``{title: Table}``), or ``ImportFileError``."""
    widths = {sheet.title: sheet.width for sheet in sheet_types()}
    return read_workbook(data, file_name, {**widths, STATE_SHEET: 2}, MEASURES_SHEET)


@dataclass
class _File:
    """An uploaded file read and its columns checked: what ``_apply`` imports."""

    file_format: str
    exported_at: object
    datasets: list  # (sheet type, dataset)
    problems: list  # problems with the columns: then no row is read

    @property
    def titles(self):
        return [sheet.title for sheet, _dataset in self.datasets]

    @property
    def total_rows(self) -> int:
        return sum(len(dataset) for _sheet, dataset in self.datasets)

    def refused(self):
        return ImportOutcome(rows=[], problems=self.problems, file_format=self.file_format, sheets=self.titles)


def _read(data, file_name, *, concept, include_internal) -> _File:
    file_format, tables = read_catalogue(data, file_name)
    exported_at = exported_at_of(tables.pop(STATE_SHEET, None), concept)
    sheets = [sheet for sheet in sheet_types() if sheet.title in tables]
    if not sheets:
        raise ImportFileError(_("Die Datei enthält kein Blatt des Maßnahmenkatalogs."))
    problems, datasets = [], []
    for sheet in sheets:
        columns, sheet_problems = check_columns(tables[sheet.title], sheet.resource, include_internal=include_internal)
        problems += sheet_problems
        datasets.append((sheet, build_dataset(columns, tables[sheet.title].rows)))
    return _File(file_format, exported_at, datasets, problems)


def run_import(
    data: bytes,
    file_name: str,
    *,
    concept,
    user=None,
    dry_run: bool,
    include_internal: bool = True,
    progress=None,
    claim=None,
    preview=None,
    preview_version=None,
) -> ImportOutcome:
    """Preview (``dry_run``) or import the file into ``concept``; any problem means nothing is written.

    ``progress(rows_done, rows_total)`` is called now and then; ``claim()`` runs inside the
    transaction, under the concept's lock, and returns False where the import must not run
    (its preview was confirmed already). ``preview``: the outcome the person confirmed,
    computed at the data version ``preview_version``. The confirm never writes anything the
    preview did not show (someone changed the catalogue in between: it writes nothing and says
    so); and if the preview found nothing to change and the data are still at that version, it
    only records the import instead of reading the file and comparing every row again.
    """
    with translation.override("de"):
        trusts_preview = not dry_run and preview is not None and _nothing_changes(preview)
        # The file is read first, outside the lock, unless the preview may make reading it needless.
        file = None if trusts_preview else _read(data, file_name, concept=concept, include_internal=include_internal)
        if file is not None and file.problems:
            return file.refused()
        common = {"concept": concept, "user": user, "include_internal": include_internal}
        if dry_run:
            total = file.total_rows
            outcome = _apply(file, dry_run=True, record=None, progress=_reporter(progress, total), **common)
            if progress:
                progress(total, total)
            return outcome
        with transaction.atomic():
            # One import per concept at a time; what it compares against is read after the lock.
            Concept.objects.select_for_update().filter(pk=concept.pk).first()
            file_format, titles = (file.file_format, file.titles) if file else (preview.file_format, preview.sheets)
            if claim is not None and not claim():
                return ImportOutcome(rows=[], problems=[], file_format=file_format, sheets=titles, already_done=True)
            record = ImportRecord.objects.create(
                concept=concept, user=user, file_name=file_name[:255], file_format=file_format
            )
            if trusts_preview and data_version() == preview_version:
                # Nothing public changed since the preview found nothing to change (every write
                # to the catalogue moves the version on): reading the file and comparing 5,000
                # rows again under the lock would only say so again (bench/README.md, „Import“).
                outcome = replace(preview, record=record)
                _fill_record(record, outcome, status_updates_created=0)
                if progress:
                    progress(len(preview.rows), len(preview.rows))
                return outcome
            if file is None:
                file = _read(data, file_name, concept=concept, include_internal=include_internal)
                if file.problems:
                    transaction.set_rollback(True)
                    return file.refused()
            total = file.total_rows
            with bumps_once():  # the rows saved one by one tell the public pages once, not each
                outcome = _apply(file, dry_run=False, record=record, progress=_reporter(progress, total), **common)
            if outcome.ok and preview is not None and not outcome.writes() <= preview.writes():
                outcome.differs_from_preview = True
            if not outcome.ok or outcome.differs_from_preview:
                transaction.set_rollback(True)
                outcome.record = None
            return outcome


def _reporter(progress, total):
    return (lambda done: progress(done, total)) if progress else None


def _apply(file, *, concept, user, dry_run, include_internal, progress, record):
    context = ImportContext(
        concept=concept,
        user=user,
        change_reason=record.change_reason if record else "",
        include_internal=include_internal,
        progress=progress,
    )
    outcome = ImportOutcome(rows=[], problems=[], file_format=file.file_format, sheets=file.titles)
    data_changed = file.exported_at is not None and data_changed_since(concept, file.exported_at)
    if data_changed:
        context.changed_since_export = cells_changed_since(concept, file.exported_at)
    resources = []
    for sheet, dataset in file.datasets:
        resource = sheet.resource(context, preview=dry_run or bool(outcome.problems))
        resources.append(resource)
        result = resource.import_data(dataset, dry_run=False, use_transactions=False)
        _raise_connection_error(result)
        for base_error in result.base_errors:
            logger.error("Import of sheet %s failed", sheet.title, exc_info=base_error.error)
            outcome.problems.append(
                RowProblem(
                    None,
                    "",
                    "",
                    _(
                        "Der Import ist wegen eines internen Fehlers fehlgeschlagen; es wurde nichts gespeichert. "
                        "Bitte wenden Sie sich an die technische Betreuung."
                    ),
                    sheet=sheet.title,
                )
            )
        for row_result in result.rows:
            row_problems = _row_problems(sheet.title, row_result)
            outcome.problems += row_problems
            kind = _kind(row_result, row_problems)
            outcome.rows.append(
                PreviewRow(
                    sheet=sheet.title,
                    line=row_result.line,
                    code=str(row_result.code or ""),
                    kind=kind,
                    changes=row_result.changes if kind == "changed" else [],
                    problems=row_problems,
                )
            )
    outcome.problems.sort(key=lambda problem: (outcome.sheets.index(problem.sheet), problem.line or 0))
    # Older than the data, and it would change something: the change could undo a newer one.
    outcome.file_is_older = data_changed and outcome.has_changes
    if dry_run or outcome.problems:
        return outcome
    measures = next((r for r in resources if r.SHEET == MEASURES_SHEET), None)
    _fill_record(record, outcome, status_updates_created=measures.status_updates_created if measures else 0)
    if any(resource.written for resource in resources):
        bump_data_version()  # the smaller sheets are saved one by one; tell the public pages once
    outcome.record = record
    return outcome


def _nothing_changes(outcome) -> bool:
    return outcome.ok and not outcome.has_changes and not outcome.file_is_older


def _fill_record(record, outcome, *, status_updates_created):
    record.rows_total = sum(1 for row in outcome.rows if row.sheet == MEASURES_SHEET)
    record.rows_created = outcome.count("new", MEASURES_SHEET)
    record.rows_updated = outcome.count("changed", MEASURES_SHEET)
    record.rows_unchanged = outcome.count("unchanged", MEASURES_SHEET)
    record.status_updates_created = status_updates_created
    record.save()
