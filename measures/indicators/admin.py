"""The Büro's pages in the admin for indicators, their breakdowns and milestones.

Imported by ``measures/admin.py`` (the core's admin may import wings), which also puts the
milestones inline on the measure's page.
"""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..models import (
    BreakdownCategory,
    BreakdownDimension,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    IndicatorValueProposal,
    Milestone,
)


# Inlines are stacked, as everywhere in this admin: the tabular one leaves inputs without labels.
class IndicatorTargetInline(admin.StackedInline):
    model = IndicatorTarget
    fields = [("target_date", "value"), "note"]
    extra = 1


class IndicatorValueFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """One value per date and group within the form too: the database's rule for the total
        (a unique constraint with a condition) is not among those a formset checks itself."""
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("reference_date"):
                continue
            key = (data["reference_date"], data.get("category"))
            if key in seen:
                group = data.get("category") or _("Gesamtwert")
                raise forms.ValidationError(
                    _("Zwei Werte haben denselben Stichtag (%(date)s) und dieselbe Gruppe (%(group)s).")
                    % {"date": data["reference_date"].strftime("%d.%m.%Y"), "group": group}
                )
            seen.add(key)


class IndicatorValueInline(admin.StackedInline):
    model = IndicatorValue
    formset = IndicatorValueFormSet
    fields = [("reference_date", "period_label"), ("value", "category", "case_count"), "provisional", "note"]
    autocomplete_fields = ["category"]
    ordering = ["-reference_date", "category__dimension__name", "category__position"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category__dimension")


class IndicatorAdminForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        concept = cleaned_data.get("concept")
        for name, label in (("goals", _("Ziele")), ("measures", _("Maßnahmen"))):
            foreign = [str(item) for item in cleaned_data.get(name) or [] if concept and item.concept_id != concept.pk]
            if foreign:
                self.add_error(
                    name,
                    _("Diese %(kind)s gehören zu einem anderen Konzept: %(items)s")
                    % {"kind": label, "items": "; ".join(foreign)},
                )
        return cleaned_data


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    form = IndicatorAdminForm
    list_display = ["number", "name", "concept", "unit", "direction", "published"]
    list_display_links = ["number", "name"]
    list_filter = ["concept", "published", "direction", "frequency"]
    list_select_related = ["concept"]
    search_fields = ["name", "description", "data_source", "data_owner"]
    autocomplete_fields = ["goals", "measures"]
    ordering = ["concept", "number"]
    inlines = [IndicatorTargetInline, IndicatorValueInline]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["concept", "number", "name", "description", "published"]}),
        (
            _("Messung"),
            {"fields": [("unit", "decimal_places"), "counts", ("direction", "frequency"), "data_source", "data_owner"]},
        ),
        (
            _("Ausgangswert"),
            {
                "fields": [("baseline_value", "baseline_date")],
                "description": _(
                    "Von hier führt der Planpfad gerade zu den Zielwerten (unten); ohne Ausgangswert und Zielwert ist "
                    "ein Indikator „nicht bewertbar“."
                ),
            },
        ),
        (_("Zuordnung"), {"fields": ["goals", "measures"]}),
        (_("Intern"), {"fields": [("created_at", "updated_at")]}),
    ]

    def view_on_site(self, obj):
        return reverse("indicators:detail", args=[obj.concept.slug, obj.number])


class BreakdownCategoryInline(admin.StackedInline):
    model = BreakdownCategory
    fields = [("name", "position")]
    extra = 2


@admin.register(BreakdownDimension)
class BreakdownDimensionAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    inlines = [BreakdownCategoryInline]


@admin.register(BreakdownCategory)
class BreakdownCategoryAdmin(admin.ModelAdmin):
    """Listed for the search of the values' inline; categories are edited with their characteristic."""

    list_display = ["name", "dimension", "position"]
    list_filter = ["dimension"]
    list_select_related = ["dimension"]
    search_fields = ["name", "dimension__name"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "reference_date", "category", "value", "provisional"]
    list_filter = ["indicator__concept", "provisional", "category__dimension"]
    list_select_related = ["indicator", "category__dimension"]
    search_fields = ["indicator__name", "period_label", "note"]
    autocomplete_fields = ["indicator", "category"]
    ordering = ["indicator", "-reference_date"]


@admin.register(IndicatorValueProposal)
class IndicatorValueProposalAdmin(SimpleHistoryAdmin):
    """Read only: proposals are reviewed on the review page (link in the list)."""

    list_display = ["indicator", "reference_date", "category", "value", "state", "author", "review_link"]
    list_filter = ["state", "indicator__concept"]
    list_select_related = ["indicator", "category__dimension", "author"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Prüfung"))
    def review_link(self, proposal):
        return format_html(
            '<a href="{}">{}</a>', reverse("staff:indicator_proposal_review", args=[proposal.pk]), _("prüfen")
        )


class MilestoneInline(admin.StackedInline):
    model = Milestone
    fields = ["title", ("planned_on", "done_on"), "note"]
    extra = 0


class OverdueFilter(admin.SimpleListFilter):
    title = _("Stand")
    parameter_name = "stand"

    def lookups(self, request, model_admin):
        return [("ueberfaellig", _("überfällig")), ("offen", _("offen")), ("erledigt", _("erledigt"))]

    def queryset(self, request, queryset):
        if self.value() == "ueberfaellig":
            return queryset.overdue(timezone.localdate())
        if self.value() == "offen":
            return queryset.filter(done_on__isnull=True)
        if self.value() == "erledigt":
            return queryset.filter(done_on__isnull=False)
        return queryset


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["title", "measure", "planned_on", "done_on"]
    list_filter = [OverdueFilter, "measure__concept"]
    list_select_related = ["measure"]
    search_fields = ["title", "measure__code", "measure__title"]
    autocomplete_fields = ["measure"]
    ordering = ["planned_on"]
