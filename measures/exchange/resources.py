"""The base of every sheet's django-import-export resource: natural keys, changes cell by cell.

Rows are matched by natural keys, never by database id (a measure by its number within the
concept, a unit by its name, a field of action and a goal by their number). Each resource
records, per row, which cells change and how (old → new), checks the row, and in a confirmed
import collects what to write; ``write`` then saves a whole sheet at once.

All sheets of one workbook share an ``ImportContext``: the lookups that later sheets resolve
names against (a measure may name a goal that the goals sheet of the same file creates).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources
from import_export.instance_loaders import BaseInstanceLoader

from ..models import FieldOfAction, Goal, Indicator, Measure, ResponsibleUnit
from .files import FormulaWithoutValue
from .widgets import LINE_COLUMN, TextWidget, is_blank


@dataclass
class Change:
    """One changed cell: what the system holds, what the file says, and whether the system's
    value was changed after the file was exported (the import would undo that change)."""

    column: str
    old: str
    new: str
    changed_since_export: bool = False


@dataclass
class ImportContext:
    concept: object
    user: object = None
    change_reason: str = ""
    include_internal: bool = True
    today: object = None
    progress: object = None  # callable(rows_done) or None
    changed_since_export: dict = field(default_factory=dict)  # (sheet, key) -> set of columns
    rows_done: int = 0
    # Measures and indicators by their code and number, loaded when a later sheet first names one
    # (the measures sheet alone needs neither); the sheets of the file add theirs.
    measures_in_file: dict = field(default_factory=dict)
    _measures_by_code: dict | None = None
    _indicators_by_number: dict | None = None

    def __post_init__(self):
        self.today = self.today or timezone.localdate()
        self.fields_by_number = {item.number: item for item in FieldOfAction.objects.filter(concept=self.concept)}
        self.goals_by_number = {item.number: item for item in Goal.objects.filter(concept=self.concept)}
        self.units = {unit_key(unit.name): unit for unit in ResponsibleUnit.objects.select_related("parent")}
        self.reindex_units()

    def reindex_units(self):
        """Units by name and, where unambiguous, by short name."""
        self.units_by_key = dict(self.units)
        short_names = {}
        for unit in self.units.values():
            if unit.short_name:
                short_names.setdefault(unit_key(unit.short_name), []).append(unit)
        for key, matches in short_names.items():
            # A short name used by two units names neither; the full name must be used.
            self.units_by_key.setdefault(key, matches[0] if len(matches) == 1 else None)
        self.unit_names = [unit.name for unit in self.units.values()] + [
            unit.short_name for unit in self.units.values() if unit.short_name
        ]

    def unit_by_name(self, name):
        return self.units_by_key.get(unit_key(name))

    def measures_by_code(self) -> dict:
        if self._measures_by_code is None:
            stored = Measure.objects.filter(concept=self.concept).only("pk", "concept_id", "code", "sort_key")
            self._measures_by_code = {measure.code: measure for measure in stored}
            self._measures_by_code.update(self.measures_in_file)
        return self._measures_by_code

    def add_measures(self, measures) -> None:
        """The measures of the file's measures sheet (new ones unsaved in a preview)."""
        found = {measure.code: measure for measure in measures if isinstance(measure.code, str) and measure.code}
        self.measures_in_file.update(found)
        if self._measures_by_code is not None:
            self._measures_by_code.update(found)

    def indicators_by_number(self) -> dict:
        if self._indicators_by_number is None:
            stored = (
                Indicator.objects.filter(concept=self.concept)
                .select_related("concept")
                .prefetch_related("goals", "measures")
            )
            self._indicators_by_number = {indicator.number: indicator for indicator in stored}
        return self._indicators_by_number

    def row_done(self):
        self.rows_done += 1
        if self.progress is not None and self.rows_done % 200 == 0:
            self.progress(self.rows_done)


def unit_key(name) -> str:
    return " ".join(str(name).split()).casefold()


class PrefetchedLoader(BaseInstanceLoader):
    """Finds a row's object among those the resource loaded once, without a query per row."""

    def get_instance(self, row):
        return self.resource.existing.get(self.resource.key_of_row(row))


def _current(item, instance):
    """The instance's value of the field's attribute: what ``Field.get_value`` gives, at a third
    of its cost per cell for the plain attributes every sheet has; a path such as ``a__b`` still
    goes through ``get_value``."""
    if "__" in item.attribute:
        return item.get_value(instance)
    try:
        return getattr(instance, item.attribute)
    except ObjectDoesNotExist:  # a relation not set yet
        return None


def formula_message(value) -> str:
    return _(
        "Die Zelle enthält eine Formel (%(formula)s), aber keinen berechneten Wert. Bitte öffnen Sie die "
        "Datei in Excel oder LibreOffice, lassen Sie sie neu berechnen und speichern Sie sie erneut – oder "
        "ersetzen Sie die Formel durch ihren Wert."
    ) % {"formula": str(value)[:80]}


class SheetResource(resources.ModelResource):
    """One sheet of the catalogue workbook. Subclasses name their sheet's columns and write them."""

    SHEET = ""
    KEY_COLUMN = "Nr."
    REQUIRED_COLUMNS: tuple = ()
    INTERNAL_COLUMNS: tuple = ()
    EXAMPLE_MARKER = "beispiel"

    class Meta:
        instance_loader_class = PrefetchedLoader
        skip_unchanged = True
        report_skipped = True
        store_row_values = True  # errors quote the value as written
        skip_diff = True  # the changes are worked out below, per cell
        use_transactions = False  # the import runs all sheets in one transaction of its own

    def __init__(self, context: ImportContext, *, preview=True):
        super().__init__()
        self.context = context
        self.concept = context.concept
        # A preview writes nothing. It is not django-import-export's dry run: that wraps the sheet
        # in a transaction with a savepoint per row, and the preview needs neither (and must be able
        # to report its progress to other processes while it runs).
        self.preview = preview
        self.written = 0
        if not context.include_internal:
            for name in [name for name, item in self.fields.items() if item.column_name in self.INTERNAL_COLUMNS]:
                del self.fields[name]

    @classmethod
    def column_names(cls, include_internal=True):
        names = [cls.fields[name].column_name for name in cls._meta.fields]
        return [name for name in names if include_internal or name not in cls.INTERNAL_COLUMNS]

    # Keys ------------------------------------------------------------------------------

    def key_of_row(self, row):
        return TextWidget().clean(row.get(self.KEY_COLUMN))

    def key_of(self, instance):
        raise NotImplementedError

    def load_existing(self) -> dict:
        return {self.key_of(instance): instance for instance in self.get_queryset()}

    def before_import(self, dataset, **kwargs):
        self.pending = []
        self.instances = []  # every row's object, in file order
        self.first_line_of_key = {}
        self.existing = self.load_existing()

    # Rows ------------------------------------------------------------------------------

    def relation_values(self, instance) -> dict:
        """The current values of the columns without a model attribute (lists of objects)."""
        return {}

    def after_init_instance(self, instance, new, row, **kwargs):
        self.instances.append(instance)
        self._before = {name: _current(item, instance) for name, item in self.fields.items() if item.attribute}
        self._before_relations = self.relation_values(instance)
        self._relations = {}
        self._changes = []

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        self._is_example_row = str(row.get(self.KEY_COLUMN) or "").strip().casefold() == self.EXAMPLE_MARKER
        if self._is_example_row:
            raise ValidationError(
                {
                    self.KEY_COLUMN: _(
                        "Das ist die Beispielzeile der Vorlage. Bitte überschreiben Sie sie mit echten Angaben "
                        "oder löschen Sie sie."
                    )
                }
            )
        for name, item in self.fields.items():
            if item.column_name not in row:
                continue
            value = row[item.column_name]
            if isinstance(value, FormulaWithoutValue):
                errors[item.column_name] = ValidationError(formula_message(value))
                continue
            try:
                if item.attribute is None:
                    self._relations[name] = item.clean(row)
                else:
                    item.save(instance, row, **kwargs)
            except ValueError as error:
                errors[item.column_name] = ValidationError(str(error))
        if errors:
            raise ValidationError(errors)

    def relation_key(self, value):
        return value.pk if value.pk is not None else id(value)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        changes = []
        for name in self._meta.fields:
            item = self.fields.get(name)
            if item is None or item.column_name not in row:
                continue
            if item.attribute is not None:
                old, new = self._before[name], _current(item, instance)
            elif name in self._relations:
                old, new = self._before_relations.get(name, []), self._relations[name]
                if {self.relation_key(v) for v in old} == {self.relation_key(v) for v in new}:
                    continue
            else:
                continue
            if old != new:
                if instance.pk is None:  # a new row: which cells it fills, not how (nothing was there)
                    changes.append(Change(item.column_name, "", ""))
                else:
                    changes.append(Change(item.column_name, item.widget.render(old), item.widget.render(new)))
        if instance.pk is not None:
            marked = self.context.changed_since_export.get((self.SHEET, self.key_of(instance)), ())
            for change in changes:
                change.changed_since_export = change.column in marked
        self._changes = changes
        if import_validation_errors or instance.pk is None or self._first_line is not None:
            return False  # a repeated key is an error even where nothing changed
        return not changes

    @property
    def changed_columns(self):
        return [change.column for change in self._changes]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {key: list(value) for key, value in (import_validation_errors or {}).items()}
        if self._is_example_row:
            raise ValidationError(errors)  # its cells are placeholders: checking them says nothing

        def add(column, message):
            errors.setdefault(column, []).append(message)

        if self._first_line is not None:
            add(self.KEY_COLUMN, self.duplicate_message() % {"line": self._first_line})
        columns = {item.attribute: item.column_name for item in self.fields.values() if item.attribute}
        try:
            instance.full_clean(
                exclude=[*self.unchecked_model_fields(), *[f for f in columns if columns[f] in errors]],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    add(columns.get(name, name), message)
        self.check_row(instance, add, errors)
        if errors:
            raise ValidationError(errors)

    def duplicate_message(self) -> str:
        return _("Die Nummer steht schon in Zeile %(line)s. Erwartet wird jede Nummer nur einmal je Datei.")

    def unchecked_model_fields(self) -> list:
        """Model fields that full_clean must leave alone (set by the import, or checked per file)."""
        return ["concept"]

    def check_row(self, instance, add, errors) -> None:
        """Rules across the cells of one row; ``add(column, message)`` reports a problem."""

    def _is_dry_run(self, kwargs):
        return self.preview

    def save_instance(self, instance, is_create, row, **kwargs):
        if not self.preview:
            self.pending.append((instance, is_create, self._relations, self._before_relations, self._changes))

    def after_import(self, dataset, result, **kwargs):
        if not self.preview and not result.has_errors() and not result.has_validation_errors():
            self.write(self.pending)
        self.publish_lookups()

    def write(self, pending) -> None:
        raise NotImplementedError

    def publish_lookups(self) -> None:
        """Make this sheet's objects (new ones too, unsaved in a preview) known to the later sheets."""

    def import_row(self, row, instance_loader, **kwargs):
        self._changes = []
        line = row.get(LINE_COLUMN) or kwargs.get("row_number")
        key = self.key_of_row(row)
        first_line = self.first_line_of_key.setdefault(key, line) if not is_blank(key) else line
        # Set for the second and later rows with the same key; validate_instance reports it.
        self._first_line = first_line if first_line != line else None
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.changes = self._changes
        row_result.line = line
        row_result.code = key
        self.context.row_done()
        return row_result
