"""Forms of the staff pages for indicator values: a unit's proposal and the Büro's review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import BreakdownCategory, IndicatorValueProposal


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.dimension.name}: {obj.name}"


class ProposalForm(forms.ModelForm):
    # Localised: a comma as decimal separator in German, as people write it.
    value = forms.DecimalField(
        label=_("Wert"), max_digits=14, decimal_places=4, localize=True, help_text=_("z. B. 4,5 oder 120")
    )

    class Meta:
        model = IndicatorValueProposal
        fields = [
            "reference_date",
            "period_label",
            "value",
            "category",
            "case_count",
            "provisional",
            "note",
            "internal_note",
        ]
        field_classes = {"category": CategoryChoiceField}
        widgets = {
            "reference_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
            "internal_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = BreakdownCategory.objects.select_related("dimension")
        self.fields["category"].empty_label = _("keine – Gesamtwert")
        self.fields["value"].widget.attrs["inputmode"] = "decimal"


class ReviewForm(forms.Form):
    return_comment = forms.CharField(
        label=_("Rückmeldung an die Stelle"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Nur für „Zurückgeben“ nötig; die Stelle sieht diesen Text."),
    )
