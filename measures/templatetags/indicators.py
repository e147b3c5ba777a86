"""Indicators, milestones and the currency of a status on the pages of the other wings.

The public and staff templates reach the indicators wing only through these tags and the
includes that load them (one-line hooks), so that neither wing imports it. Every tag runs a
constant number of queries.
"""

from django import template
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import number_format

from ..choices import CURRENCY_ICONS, ON_TRACK_ICONS, Currency, OnTrack, UpdateState
from ..currency import currency_rule_for
from ..indicators.columns import INDICATOR_COLUMNS, VALUE_COLUMNS
from ..indicators.data import indicator_states, on_track_counts, public_indicators
from ..indicators.report import indicator_report_rows
from ..models import Goal, Indicator, IndicatorValueProposal, Measure, Milestone

register = template.Library()


@register.filter
def indicator_number(value, indicator):
    """A value of ``indicator`` as people read it: its decimal places, German separators."""
    if value is None:
        return ""
    places = 0 if indicator.counts else indicator.decimal_places
    return number_format(value, places, use_l10n=True, force_grouping=True)


@register.inclusion_tag("measures/indicators/includes/badge.html")
def on_track_badge(value):
    state = OnTrack(value)
    return {"kind": "ontrack", "value": state.value, "label": state.label, "icon": ON_TRACK_ICONS[state]}


@register.inclusion_tag("measures/indicators/includes/badge.html")
def currency_badge_for(value):
    currency = Currency(value)
    return {"kind": "currency", "value": currency.value, "label": currency.label, "icon": CURRENCY_ICONS[currency]}


def _rule(context, concept):
    """The concept's currency rule, worked out once per request however many measures ask."""
    request = context.get("request")
    rules = getattr(request, "_currency_rules", None) if request is not None else None
    if rules is None:
        rules = {}
        if request is not None:
            request._currency_rules = rules
    if concept.pk not in rules:
        rules[concept.pk] = currency_rule_for(concept)
    return rules[concept.pk]


@register.simple_tag(takes_context=True)
def measure_currency(context, measure) -> Currency:
    return _rule(context, measure.concept).of(measure.status_date)


# Public pages ---------------------------------------------------------------------------------


@register.inclusion_tag("measures/indicators/includes/dashboard_figures.html", takes_context=True)
def dashboard_indicators(context, concept):
    """How many indicators are on track, and how current the measures' statuses are."""
    states = indicator_states(public_indicators(concept))
    rule = _rule(context, concept)
    measures = Measure.objects.published().filter(concept=concept).order_by()
    currency_counts = measures.aggregate(
        **{choice.value: Count("pk", filter=rule.condition(choice)) for choice in Currency},
    )
    return {
        "concept": concept,
        "indicator_total": len(states),
        "on_track_counts": on_track_counts(states),
        "currency_counts": [(choice, currency_counts[choice.value]) for choice in Currency],
        "measure_total": sum(currency_counts.values()),
        "stale_after_days": concept.stale_after_days,
    }


@register.inclusion_tag("measures/indicators/includes/goal_indicators.html")
def goal_indicators(goal):
    """The goal page's indicators; nothing on a field of action's page, which shares the template."""
    if not isinstance(goal, Goal):
        return {"show": False}
    states = indicator_states(public_indicators(goal.concept).filter(goals=goal))
    return {"show": True, "goal": goal, "concept": goal.concept, "states": states}


@register.inclusion_tag("measures/indicators/includes/measure_public.html", takes_context=True)
def measure_public_extras(context, measure):
    """On the public measure page: how current its status is, its milestones and indicators."""
    concept = measure.concept
    today = timezone.localdate()
    return {
        "measure": measure,
        "concept": concept,
        "currency": _rule(context, concept).of(measure.status_date),
        "milestones": [
            (milestone, milestone.is_overdue(today)) for milestone in Milestone.objects.filter(measure=measure)
        ],
        "states": indicator_states(public_indicators(concept).filter(measures=measure)),
    }


@register.inclusion_tag("measures/indicators/includes/open_data_columns.html")
def indicator_open_data(concepts, formats):
    return {
        "concepts": concepts,
        "formats": formats,
        "indicator_columns": INDICATOR_COLUMNS,
        "value_columns": VALUE_COLUMNS,
    }


# Staff pages ----------------------------------------------------------------------------------


@register.inclusion_tag("measures/indicators/includes/report_indicators.html")
def report_indicators(report_round):
    rows = indicator_report_rows(report_round.concept, report_round.cut_off_date)
    return {"rows": rows, "round": report_round, "minimum": report_round.concept.disclosure_minimum}


@register.inclusion_tag("measures/indicators/includes/staff_measure_flags.html", takes_context=True)
def staff_measure_flags(context, measure):
    """Currency and overdue milestones of a row of „Meine Maßnahmen“ (milestones prefetched by the view
    into ``overdue_milestones``; without that, one query)."""
    overdue = getattr(measure, "overdue_milestones", None)
    if overdue is None:
        overdue = list(Milestone.objects.overdue().filter(measure=measure))
    return {"currency": _rule(context, measure.concept).of(measure.status_date), "overdue": overdue}


@register.inclusion_tag("measures/indicators/includes/staff_measure_section.html", takes_context=True)
def staff_measure_section(context, measure):
    """On the staff page of a measure: milestones, linked indicators and the unit's value proposals."""
    user = context["user"]
    today = timezone.localdate()
    proposals = (
        IndicatorValueProposal.objects.visible_to(user)
        .filter(measure=measure)
        .select_related("indicator", "category__dimension")
        .order_by("-submitted_at", "-pk")
    )
    return {
        "measure": measure,
        "user": user,
        "currency": _rule(context, measure.concept).of(measure.status_date),
        "milestones": [(m, m.is_overdue(today)) for m in Milestone.objects.filter(measure=measure)],
        "indicators": Indicator.objects.proposable_by(user).filter(measures=measure).order_by("number"),
        "proposals": proposals,
        "editable_ids": set(
            IndicatorValueProposal.objects.editable_by(user).filter(measure=measure).values_list("pk", flat=True)
        ),
    }


@register.inclusion_tag("measures/indicators/includes/review_milestones.html")
def review_milestones(update):
    """On the review page of a report: the milestones it ticks and the measure's overdue ones."""
    return {
        "ticks": update.milestone_ticks.select_related("milestone"),
        "overdue": Milestone.objects.overdue().filter(measure_id=update.measure_id),
    }


@register.inclusion_tag("measures/indicators/includes/pending_proposals.html", takes_context=True)
def pending_proposals(context):
    """The value proposals waiting for the Büro, oldest first (on the review queue)."""
    proposals = (
        IndicatorValueProposal.objects.visible_to(context["user"])
        .filter(state=UpdateState.SUBMITTED)
        .select_related("indicator__concept", "measure", "author", "category__dimension")
        .order_by("submitted_at", "pk")
    )
    return {"proposals": proposals}
