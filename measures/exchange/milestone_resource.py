"""The milestones sheet: the dated steps of each measure's plan.

A milestone is matched by its measure's number and its title (spaces and capitals aside): a
changed date or note changes it, a changed title is a new milestone. Milestones missing from
the file stay as they are.
"""

from django.utils.translation import gettext as _
from import_export import fields

from ..models import Milestone
from .indicator_widgets import MeasureWidget, RequiredDateWidget, measure_code
from .keyed_resource import KeyedSheetResource
from .resources import unit_key
from .widgets import GermanDateWidget, TextWidget


class MilestoneResource(KeyedSheetResource):
    SHEET = "Meilensteine"
    KEY_COLUMN = "Maßnahme"
    REQUIRED_COLUMNS = ("Maßnahme", "Titel", "geplant bis")

    measure = fields.Field(attribute="measure", column_name="Maßnahme")
    title = fields.Field(attribute="title", column_name="Titel", widget=TextWidget())
    planned_on = fields.Field(attribute="planned_on", column_name="geplant bis", widget=RequiredDateWidget())
    done_on = fields.Field(attribute="done_on", column_name="erledigt am", widget=GermanDateWidget())
    note = fields.Field(attribute="note", column_name="Anmerkung", widget=TextWidget())

    class Meta(KeyedSheetResource.Meta):
        model = Milestone
        fields = ("measure", "title", "planned_on", "done_on", "note")
        import_id_fields = ("measure", "title")

    def __init__(self, context, **kwargs):
        super().__init__(context, **kwargs)
        self.fields["measure"].widget = MeasureWidget(context)

    def key_parts(self, row):
        return (measure_code(row.get("Maßnahme")), unit_key(TextWidget().clean(row.get("Titel"))))

    @staticmethod
    def key_of(instance):
        return (instance.measure.code, unit_key(instance.title))

    def row_label(self, row):
        return " – ".join(
            part for part in (measure_code(row.get("Maßnahme")), TextWidget().clean(row.get("Titel"))) if part
        )

    def duplicate_message(self):
        return _(
            "Diese Maßnahme hat in Zeile %(line)s schon einen Meilenstein mit diesem Titel. Erwartet wird jeder Titel "
            "nur einmal je Maßnahme."
        )

    def get_queryset(self):  # the export's rows
        return (
            Milestone.objects.filter(measure__concept=self.concept)
            .select_related("measure")
            .order_by("measure__sort_key", "planned_on", "pk")
        )

    def load_existing(self):
        # The measures are known already (by code, from the measures sheet or one query): a join
        # would load each measure's every column once per milestone.
        measures = {measure.pk: measure for measure in self.context.measures_by_code().values() if measure.pk}
        existing = {}
        for milestone in Milestone.objects.filter(measure__concept=self.concept).order_by("pk"):
            if milestone.measure_id in measures:
                milestone.measure = measures[milestone.measure_id]
            existing[self.key_of(milestone)] = milestone
        return existing

    def init_instance(self, row=None):
        return Milestone()

    def unchecked_model_fields(self):
        return ["measure"]  # an unsaved measure of the same file has no id yet

    def write(self, pending):
        self.write_with_history(pending)
