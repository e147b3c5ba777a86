"""Forms of the staff pages: the Sachstandsmeldung and the Büro's review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import REPORTED_STATUS_CHOICES, Ampel, Status, UpdateState
from ..models import StatusUpdate
from .concurrency import VersionedFormMixin


class DefinedRadioSelect(forms.RadioSelect):
    """Radio buttons that show each choice's definition under its label."""

    # In the app's templates folder: the default form renderer does not search the project's.
    template_name = "measures/widgets/defined_radio.html"

    def __init__(self, *args, definitions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.definitions = definitions or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["definition"] = self.definitions.get(value, "")
        option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}_definition"
        return option


class StatusUpdateForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = StatusUpdate
        fields = ["reporting_date", "status", "ampel", "progress", "public_text", "internal_note"]
        widgets = {
            "reporting_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "status": DefinedRadioSelect(
                definitions={value: Status(value).definition for value, _label in REPORTED_STATUS_CHOICES}
            ),
            "ampel": DefinedRadioSelect(definitions={choice.value: choice.definition for choice in Ampel}),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "public_text": forms.Textarea(attrs={"rows": 5}),
            "internal_note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "status": "",
            "ampel": "",
            "progress": _("Ganze Zahl von 0 bis 100. Leer lassen, wenn sich der Fortschritt nicht beziffern lässt."),
        }

    def __init__(self, *args, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting

    def _post_clean(self):
        # The public reason that "zurückgestellt" and "entfallen" need is StatusUpdate.clean's rule: it
        # applies from submission on, so a draft may still be incomplete. A form that submits is
        # validated as the report will be stored, before the confirmation page is shown.
        if not self.submitting or self.instance.state != UpdateState.DRAFT:
            return super()._post_clean()
        self.instance.state = UpdateState.SUBMITTED
        try:
            super()._post_clean()
        finally:
            self.instance.state = UpdateState.DRAFT


class ReviewForm(VersionedFormMixin, forms.ModelForm):
    """Publish or return a submitted report; the comment is required only for returning."""

    class Meta:
        model = StatusUpdate
        fields = ["return_comment"]
        widgets = {"return_comment": forms.Textarea(attrs={"rows": 4})}
        labels = {"return_comment": _("Rückmeldung an die berichtende Stelle")}
        help_texts = {"return_comment": _("Nur für „Zurückgeben“ nötig; die Stelle sieht diesen Text.")}
