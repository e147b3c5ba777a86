"""Demonstration indicators and milestones for the demo concept: invented, labelled „Beispiel“.

Called from ``measures.demo.generate_demo``; never for a concept that is not a demonstration.
They show every state of the pages: on track, behind the plan, lower-is-better, a breakdown
with a group too small to publish, provisional values, an indicator without values, and
milestones done, open and overdue.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from ..models import (
    BreakdownCategory,
    BreakdownDimension,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Milestone,
)

D = Decimal
YEAR_ENDS = [date(2024, 12, 31), date(2025, 12, 31)]

# number, name, unit, counts, direction, baseline, targets, totals by year end, goal, description
INDICATORS = [
    (
        1,
        "Beispiel: Erhöhung des Anteils der Beschäftigten der Verwaltung mit Migrationshintergrund",
        "%",
        False,
        "hoeher",
        (date(2023, 12, 31), D("4.0")),
        [(date(2026, 12, 31), D("6.0")), (date(2028, 12, 31), D("8.0"))],
        [D("4.6"), D("5.0")],
        1,
        "Erfundener Beispielindikator: Anteil der Beschäftigten, die bei der freiwilligen Befragung einen "
        "Migrationshintergrund angegeben haben.",
    ),
    (
        2,
        "Beispiel: Mehr Schulungen zu interkultureller Kompetenz",
        "Schulungen",
        True,
        "hoeher",
        (date(2023, 12, 31), D("6")),
        [(date(2025, 12, 31), D("12")), (date(2028, 12, 31), D("20"))],
        [D("9"), D("13")],
        1,
        "Erfundener Beispielindikator: Zahl der Schulungen für Beschäftigte der Verwaltung im Jahr.",
    ),
    (
        3,
        "Beispiel: Mehr Teilnehmende an den Schulungen",
        "Personen",
        True,
        "hoeher",
        (date(2023, 12, 31), D("80")),
        [(date(2026, 12, 31), D("150"))],
        [D("96"), D("120")],
        1,
        "Erfundener Beispielindikator: Teilnehmende an den Schulungen im Jahr, auch nach Geschlecht.",
    ),
    (
        4,
        "Beispiel: Kürzere Wartezeit bis zur eigenen Wohnung",
        "Monate",
        False,
        "niedriger",
        (date(2023, 12, 31), D("14")),
        [(date(2027, 12, 31), D("9"))],
        [D("13.5"), D("11")],
        2,
        "Erfundener Beispielindikator: mittlere Dauer vom Einzug in eine Gemeinschaftsunterkunft bis zum Einzug "
        "in eine eigene Wohnung (Median).",
    ),
    (
        5,
        "Beispiel: Mehr Beratungen der Antidiskriminierungsstelle",
        "Beratungen",
        True,
        "hoeher",
        (None, None),
        [(date(2027, 12, 31), D("200"))],
        [],
        5,
        "Erfundener Beispielindikator ohne Werte: So sieht ein Indikator aus, zu dem noch nichts gemessen wurde.",
    ),
]
# Breakdowns by gender: (indicator number, year end) → [(category, value, case count)].
GENDER = ["weiblich", "männlich", "divers"]
BREAKDOWNS = {
    (1, YEAR_ENDS[0]): [("weiblich", D("5.1"), 820), ("männlich", D("4.0"), 610), ("divers", D("0"), 3)],
    (1, YEAR_ENDS[1]): [("weiblich", D("5.6"), 835), ("männlich", D("4.3"), 604), ("divers", D("25"), 4)],
    # Counts: a group of 3 is withheld, and so is the next smallest, which the total would reveal.
    (3, YEAR_ENDS[0]): [("weiblich", D("61"), None), ("männlich", D("32"), None), ("divers", D("3"), None)],
    (3, YEAR_ENDS[1]): [("weiblich", D("70"), None), ("männlich", D("44"), None), ("divers", D("6"), None)],
}
MILESTONES = [
    ("Beispiel: Konzept abgestimmt", 60, 75),
    ("Beispiel: Erste Angebote gestartet", 240, None),
    ("Beispiel: Auswertung vorgelegt", 540, None),
]


def _gender() -> dict:
    dimension, _created = BreakdownDimension.objects.get_or_create(name="Geschlecht")
    categories = {}
    for position, name in enumerate(GENDER, 1):
        categories[name], _created = BreakdownCategory.objects.get_or_create(
            dimension=dimension, name=name, defaults={"position": position}
        )
    return categories


def generate_demo_indicators(concept, measures, goals) -> None:
    """Indicators with values for the demo ``concept`` and milestones for some of its ``measures``."""
    if not concept.is_demo:
        raise ValueError(f"{concept.slug} is not a demonstration concept: it gets no invented indicators")
    Indicator.objects.filter(concept=concept).delete()
    categories = _gender()
    goals_by_number = {goal.number: goal for goal in goals}
    field_one = [measure for measure in measures if measure.code.startswith("1.")][:3]
    values = []
    for number, name, unit, counts, direction, baseline, targets, totals, goal, text in INDICATORS:
        indicator = Indicator.objects.create(
            concept=concept,
            number=number,
            name=name,
            description=text,
            unit=unit,
            counts=counts,
            direction=direction,
            data_source="Beispiel: erfundene Daten für die Demonstration",
            data_owner="Beispiel: Fachbereich Personal" if goal == 1 else "Beispiel: Fachbereich Soziales",
            baseline_date=baseline[0],
            baseline_value=baseline[1],
            decimal_places=0 if counts else 1,
            published=True,
        )
        indicator.goals.add(goals_by_number[goal])
        if goal == 1:
            indicator.measures.add(*field_one)
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(indicator=indicator, target_date=day, value=value) for day, value in targets
        )
        for day, value in zip(YEAR_ENDS, totals, strict=False):
            values.append(
                IndicatorValue(
                    indicator=indicator,
                    reference_date=day,
                    period_label=str(day.year),
                    value=value,
                    provisional=day == YEAR_ENDS[-1],
                )
            )
            for category, amount, cases in BREAKDOWNS.get((number, day), []):
                values.append(
                    IndicatorValue(
                        indicator=indicator,
                        reference_date=day,
                        period_label=str(day.year),
                        category=categories[category],
                        value=amount,
                        case_count=cases,
                        provisional=day == YEAR_ENDS[-1],
                    )
                )
    IndicatorValue.objects.bulk_create(values)
    _milestones(measures)


def _milestones(measures) -> None:
    rng = random.Random(len(measures))  # noqa: S311 - reproducible demo data, not security
    milestones = []
    for measure in measures[::4]:
        start = measure.planned_start or date(2024, 3, 1)
        for title, planned_after, done_after in MILESTONES:
            planned = start + timedelta(days=planned_after)
            done = start + timedelta(days=done_after) if done_after is not None else None
            if done is None and planned < date(2026, 1, 1) and rng.random() < 0.5:
                done = planned + timedelta(days=rng.randrange(-20, 40))
            milestones.append(Milestone(measure=measure, title=title, planned_on=planned, done_on=done))
    Milestone.objects.bulk_create(milestones)
