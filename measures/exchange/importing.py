"""Previewing an uploaded catalogue and importing it in one transaction.

Nothing is written unless the whole file is free of problems.
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import translation

from ..models import ImportRecord
from .checking import RowProblem, build_dataset, check_columns
from .reading import read_table_once
from .resources import MeasureResource

logger = logging.getLogger(__name__)


@dataclass
class PreviewRow:
    line: int
    code: str
    kind: str  # "new", "changed", "unchanged", "error"
    changed_columns: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    KIND_LABELS = {"new": "neu", "changed": "geändert", "unchanged": "unverändert", "error": "Fehler"}

    @property
    def kind_label(self):
        return self.KIND_LABELS[self.kind]


@dataclass
class ImportOutcome:
    rows: list
    problems: list
    file_format: str
    record: ImportRecord | None = None

    def count(self, kind):
        return sum(1 for row in self.rows if row.kind == kind)

    @property
    def counts(self):
        return {kind: self.count(kind) for kind in PreviewRow.KIND_LABELS}

    @property
    def ok(self):
        return not self.problems


def _row_problems(row_result) -> list:
    problems = []
    if row_result.validation_error is not None:
        for column, errors in row_result.validation_error.message_dict.items():
            value = row_result.row_values.get(column) if row_result.row_values else None
            for message in errors:
                problems.append(RowProblem(row_result.line, column, _display(value), message))
    for error in row_result.errors:
        # The exception is for the maintainer's log; the Büro gets a sentence it can act on.
        logger.error("Import of line %s failed", row_result.line, exc_info=error.error)
        problems.append(
            RowProblem(
                row_result.line,
                "",
                "",
                "Die Zeile konnte wegen eines internen Fehlers nicht verarbeitet werden. Bitte wenden Sie sich "
                "an die technische Betreuung.",
            )
        )
    return problems


def _display(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(value)[:200]


def run_import(
    data: bytes, file_name: str, *, concept, user=None, dry_run: bool, include_internal: bool = True
) -> ImportOutcome:
    """Preview (``dry_run``) or import the file into ``concept``; any problem means nothing is written."""
    with translation.override("de"):
        file_format, header_row, rows = read_table_once(data, file_name)
        columns, problems = check_columns(header_row, rows, include_internal=include_internal)
        if problems:
            return ImportOutcome(rows=[], problems=problems, file_format=file_format)
        dataset = build_dataset(columns, rows)
        with transaction.atomic():
            record = None
            if not dry_run:
                record = ImportRecord.objects.create(
                    concept=concept, user=user, file_name=file_name[:255], file_format=file_format
                )
            resource = MeasureResource(
                concept=concept,
                user=user,
                change_reason=record.change_reason if record else "",
                include_internal=include_internal,
            )
            result = resource.import_data(
                dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
            )
            preview = []
            for base_error in result.base_errors:
                logger.error("Import of %s failed", file_name, exc_info=base_error.error)
                problems.append(
                    RowProblem(
                        None,
                        "",
                        "",
                        "Der Import ist wegen eines internen Fehlers fehlgeschlagen; es wurde nichts gespeichert. "
                        "Bitte wenden Sie sich an die technische Betreuung.",
                    )
                )
            for row_result in result.rows:
                row_problems = _row_problems(row_result)
                problems.extend(row_problems)
                if row_problems:
                    kind = "error"
                elif row_result.import_type == row_result.IMPORT_TYPE_NEW:
                    kind = "new"
                elif row_result.import_type == row_result.IMPORT_TYPE_UPDATE:
                    kind = "changed"
                else:
                    kind = "unchanged"
                preview.append(
                    PreviewRow(
                        line=row_result.line,
                        code=row_result.code,
                        kind=kind,
                        changed_columns=row_result.changed_columns if kind == "changed" else [],
                        problems=row_problems,
                    )
                )
            problems.sort(key=lambda problem: problem.line or 0)
            outcome = ImportOutcome(rows=preview, problems=problems, file_format=file_format)
            if problems or dry_run:
                transaction.set_rollback(True)
                return outcome
            record.rows_total = len(preview)
            record.rows_created = outcome.count("new")
            record.rows_updated = outcome.count("changed")
            record.rows_unchanged = outcome.count("unchanged")
            record.status_updates_created = resource.status_updates_created
            record.save()
            outcome.record = record
            return outcome
