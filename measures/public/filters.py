"""The filters of the public measure list, shared by the HTML list and the open data exports."""

import django_filters
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from ..choices import Ampel, Currency, Role, Status
from ..currency import currency_rule_for
from ..models import FieldOfAction, Goal, Measure, MeasureResponsibility, ResponsibleUnit

SEARCH_FIELDS = ["code", "title", "summary", "description", "target", "target_groups", "status_justification"]

SORT_CHOICES = [
    ("nummer", _("Nummer")),
    ("stand", _("Umsetzungsstand")),
    ("aktualisiert", _("Stand vom (neueste zuerst)")),
]
ROLE_CHOICES = [("", _("jede Rolle")), (Role.LEAD.value, _("nur Federführung"))]


def search_measures(queryset, text: str):
    """Measures matching ``text``: German full-text search on PostgreSQL, substring search elsewhere."""
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector(*SEARCH_FIELDS, config="german")
        query = SearchQuery(text, config="german", search_type="websearch")
        return queryset.annotate(search=vector).filter(Q(search=query) | Q(code__iexact=text))
    condition = Q()
    for name in SEARCH_FIELDS:
        condition |= Q(**{f"{name}__icontains": text})
    return queryset.filter(condition)


def status_order():
    """The status in the order of the vocabulary (no report first), for sorting."""
    return Case(
        *(When(status=value, then=Value(index)) for index, value in enumerate(Status.values)),
        output_field=IntegerField(),
    )


class PublicMeasureFilter(django_filters.FilterSet):
    """Filter state lives in the query string, so every filtered list is a shareable link."""

    q = django_filters.CharFilter(label=_("Suche"), method="filter_text")
    handlungsfeld = django_filters.ModelChoiceFilter(
        label=_("Handlungsfeld"),
        field_name="field_of_action",
        to_field_name="number",
        queryset=FieldOfAction.objects.none(),
        empty_label=_("alle Handlungsfelder"),
    )
    ziel = django_filters.ModelChoiceFilter(
        label=_("Ziel"),
        field_name="goals",
        to_field_name="number",
        queryset=Goal.objects.none(),
        empty_label=_("alle Ziele"),
        method="filter_goal",
    )
    stand = django_filters.ChoiceFilter(
        label=_("Umsetzungsstand"), field_name="status", choices=Status.choices, empty_label=_("alle Stände")
    )
    ampel = django_filters.ChoiceFilter(
        label=_("Ampel"), field_name="ampel", choices=Ampel.choices, empty_label=_("alle Ampelwerte")
    )
    aktualitaet = django_filters.ChoiceFilter(
        label=_("Aktualität der Meldung"), choices=Currency.choices, empty_label=_("jede"), method="filter_currency"
    )
    stelle = django_filters.ModelChoiceFilter(
        label=_("Verantwortliche Stelle"),
        to_field_name="slug",
        queryset=ResponsibleUnit.objects.none(),
        empty_label=_("alle Stellen"),
        method="filter_unit",
    )
    rolle = django_filters.ChoiceFilter(
        label=_("Rolle der Stelle"), choices=ROLE_CHOICES[1:], empty_label=ROLE_CHOICES[0][1], method="filter_noop"
    )
    sortierung = django_filters.ChoiceFilter(
        label=_("Sortierung"), choices=SORT_CHOICES, empty_label=None, method="filter_noop"
    )

    def __init__(self, data=None, *args, concept, **kwargs):
        """``queryset``: the concept's public measures; their units are the choices of „Stelle“."""
        super().__init__(data, *args, **kwargs)
        self.concept = concept
        self.filters["handlungsfeld"].queryset = concept.fields_of_action.all()
        self.filters["ziel"].queryset = concept.goals.all()
        self.filters["stelle"].queryset = ResponsibleUnit.objects.responsible_for(self.queryset)
        # Keep the form's choices in sync with the querysets above.
        for name in ("handlungsfeld", "ziel", "stelle"):
            self.form.fields[name].queryset = self.filters[name].queryset

    def filter_text(self, queryset, name, value):
        return search_measures(queryset, value)

    def filter_goal(self, queryset, name, value):
        return queryset.filter(pk__in=Goal.measures.through.objects.filter(goal=value).values("measure_id"))

    def filter_unit(self, queryset, name, value):
        responsibilities = MeasureResponsibility.objects.filter(unit=value)
        if self.form.cleaned_data.get("rolle") == Role.LEAD:
            responsibilities = responsibilities.filter(role=Role.LEAD)
        return queryset.filter(pk__in=responsibilities.values("measure_id"))

    def filter_currency(self, queryset, name, value):
        return queryset.filter(currency_rule_for(self.concept).condition(value))

    def filter_noop(self, queryset, name, value):
        # "rolle" refines "stelle"; "sortierung" is applied after filtering (see ``qs``).
        return queryset

    def _valid_values(self) -> dict:
        """The values of the valid fields. django-filter applies these even when another field
        is invalid, so the sort order and the "filtered" state must follow them too."""
        if not self.is_bound:
            return {}
        self.form.is_valid()  # validates once; invalid fields are left out of cleaned_data
        return self.form.cleaned_data

    @property
    def qs(self):
        queryset = super().qs
        order = self._valid_values().get("sortierung")
        if order == "stand":
            return queryset.order_by(status_order(), "sort_key")
        if order == "aktualisiert":
            return queryset.order_by(F("status_date").desc(nulls_last=True), "sort_key")
        return queryset.order_by("sort_key")

    @property
    def active(self) -> bool:
        """Whether any applied filter narrows the list. Neither the sort order nor "rolle"
        counts: the role only refines "stelle" and filters nothing on its own."""
        return any(value for name, value in self._valid_values().items() if name not in ("sortierung", "rolle"))

    class Meta:
        model = Measure
        fields = []
