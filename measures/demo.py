"""Demonstration data: a separate, clearly labelled concept to look at and to measure with.

Nothing here is Potsdam's: the concept, its goals, units and measures are invented examples,
and the concept is flagged ``is_demo`` so that every page of it says so.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.text import slugify

from .choices import Ampel, FundingStatus, Role, Status, UnitKind, UpdateState
from .indicators.demo import generate_demo_indicators
from .models import (
    Concept,
    FieldOfAction,
    Goal,
    ImportRecord,
    Indicator,
    Measure,
    MeasureResponsibility,
    ReportArchive,
    ReportRound,
    ResponsibleUnit,
    StatusUpdate,
    natural_sort_key,
)
from .versions import bump_data_version

DEMO_TITLE = "Demo-Konzept"
DEMO_UNIT_PREFIX = "Beispiel: "

FIELDS = [
    "Vielfalt in der Verwaltung",
    "Wohnen und Unterbringung",
    "Arbeit",
    "Bildung und Empowerment",
    "Vielfältige Stadtgesellschaft",
]

GOALS = [
    "Beispielziel: Die Verwaltung spiegelt die Vielfalt der Stadtgesellschaft wider",
    "Beispielziel: Geflüchtete finden schneller eigenen Wohnraum",
    "Beispielziel: Zugewanderte finden Arbeit, die ihrer Qualifikation entspricht",
    "Beispielziel: Kinder und Jugendliche haben gleiche Bildungschancen",
    "Beispielziel: Migrantenselbstorganisationen wirken gleichberechtigt mit",
]

UNITS = [
    ("Fachbereich Personal", "FB Personal", UnitKind.ADMINISTRATION),
    ("Fachbereich Soziales", "FB Soziales", UnitKind.ADMINISTRATION),
    ("Fachbereich Bildung", "FB Bildung", UnitKind.ADMINISTRATION),
    ("Jobcenter", "Jobcenter", UnitKind.OTHER),
    ("Wohnungsgesellschaft", "Wohnungsges.", UnitKind.MUNICIPAL_COMPANY),
    ("Wohlfahrtsverband", "Wohlfahrtsverb.", UnitKind.WELFARE),
    ("Migrantenverein", "Migrantenverein", UnitKind.MSO),
    ("Netzwerk der Migrantenselbstorganisationen", "MSO-Netzwerk", UnitKind.MSO),
]

ACTIONS = [
    "Schulungen zu interkultureller Kompetenz anbieten",
    "Sprachmittlung in Beratungsstellen ausbauen",
    "Mehrsprachige Informationen veröffentlichen",
    "Beratungsangebote vernetzen",
    "Mentoringprogramm aufbauen",
    "Anlaufstelle einrichten",
    "Fachtag durchführen",
    "Leitfaden erarbeiten",
    "Förderprogramm auflegen",
    "Bedarfe erheben und auswerten",
]
TOPICS = [
    "für Beschäftigte der Verwaltung",
    "für Geflüchtete in Gemeinschaftsunterkünften",
    "für Eltern mit Migrationsgeschichte",
    "für Unternehmen",
    "für Schulsozialarbeit",
    "für Migrantenselbstorganisationen",
    "für junge Erwachsene",
    "im Stadtteil",
]
REPORT_TEXTS = {
    Status.NOT_STARTED: "Die Arbeit beginnt nach Klärung der Finanzierung.",
    Status.PREPARATION: "Ein Konzept ist abgestimmt; die Ausschreibung wird vorbereitet.",
    Status.IN_PROGRESS: "Die ersten Angebote laufen; die Resonanz ist gut.",
    Status.DONE: "Die Maßnahme ist abgeschlossen; die Ergebnisse sind dokumentiert.",
    Status.PERMANENT: "Das Angebot ist in den Regelbetrieb übergegangen.",
    Status.POSTPONED: "Zurückgestellt, bis der Haushalt für das kommende Jahr beschlossen ist.",
    Status.DROPPED: "Entfallen: Das Ziel wird durch eine andere Maßnahme abgedeckt.",
}
# Status paths a measure walks through over time; the last step is its current status.
PATHS = [
    [Status.NOT_STARTED, Status.PREPARATION, Status.IN_PROGRESS],
    [Status.PREPARATION, Status.IN_PROGRESS, Status.DONE],
    [Status.PREPARATION, Status.IN_PROGRESS, Status.PERMANENT],
    [Status.IN_PROGRESS],
    [Status.PREPARATION, Status.POSTPONED],
    [Status.NOT_STARTED, Status.DROPPED],
    [Status.PREPARATION],
]
# A measure with a budget has its funding secured, applied for, open or unknown, never "ohne Kosten".
FUNDED = [FundingStatus.SECURED, FundingStatus.APPLIED, FundingStatus.OPEN, FundingStatus.UNKNOWN]
BERLIN = ZoneInfo("Europe/Berlin")
REPORT_START = date(2024, 6, 30)
REPORT_END = date(2026, 9, 30)


class NotADemoConcept(Exception):
    pass


def _demo_units():
    units = []
    for name, short_name, kind in UNITS:
        unit, _created = ResponsibleUnit.objects.update_or_create(
            slug=slugify(f"beispiel {short_name}"),
            defaults={"name": DEMO_UNIT_PREFIX + name, "short_name": short_name, "kind": kind},
        )
        units.append(unit)
    return units


@transaction.atomic
def remove_demo(*, slug: str = "demo") -> bool:
    """Delete the demo concept with everything in it, and the example units no other concept uses.
    False if there is none; a concept that is not marked as demonstration is never touched."""
    concept = Concept.objects.filter(slug=slug).first()
    if concept is None:
        return False
    if not concept.is_demo:
        raise NotADemoConcept(slug)
    unit_ids = set(MeasureResponsibility.objects.filter(measure__concept=concept).values_list("unit_id", flat=True))
    ReportArchive.objects.filter(report_round__concept=concept).delete()
    ReportRound.objects.filter(concept=concept).delete()
    ImportRecord.objects.filter(concept=concept).delete()
    Indicator.objects.filter(concept=concept).delete()  # with their targets, values and proposals
    Measure.objects.filter(concept=concept).delete()  # with their updates, responsibilities and milestones
    concept.delete()  # with its fields of action and goals
    ResponsibleUnit.objects.filter(
        pk__in=unit_ids, name__startswith=DEMO_UNIT_PREFIX, responsibilities__isnull=True
    ).delete()
    bump_data_version()
    return True


@transaction.atomic
def generate_demo(*, measures: int = 50, slug: str = "demo") -> Concept:
    """Build, or rebuild from scratch, the demo concept with ``measures`` measures.

    The result depends only on ``measures``: the same N gives the same data.
    """
    existing = Concept.objects.filter(slug=slug).first()
    if existing is not None:
        if not existing.is_demo:
            raise NotADemoConcept(slug)
        StatusUpdate.objects.filter(measure__concept=existing).delete()
        Measure.objects.filter(concept=existing).delete()
        existing.fields_of_action.all().delete()
        existing.goals.all().delete()

    concept, _created = Concept.objects.update_or_create(
        slug=slug,
        defaults={
            "title": DEMO_TITLE,
            "official_title": "Demonstrationsdaten – kein Beschluss der Landeshauptstadt Potsdam",
            "start_year": 2024,
            "end_year": 2028,
            "adopted_on": None,
            "council_file_number": "",
            "document_url": "",
            "summary": (
                "Dieses Konzept enthält erfundene Beispieldaten, damit man den Umsetzungsmonitor ausprobieren "
                "kann. Ziele, Stellen, Maßnahmen und Meldungen sind nicht die des Integrationskonzepts der "
                "Landeshauptstadt Potsdam."
            ),
            "is_demo": True,
            "published": True,
        },
    )
    rng = random.Random(measures)  # noqa: S311 - reproducible demo data, not security
    fields = FieldOfAction.objects.bulk_create(
        FieldOfAction(concept=concept, number=number, title=title, slug=f"handlungsfeld-{number}")
        for number, title in enumerate(FIELDS, 1)
    )
    goals = Goal.objects.bulk_create(
        Goal(concept=concept, number=number, title=title) for number, title in enumerate(GOALS, 1)
    )
    units = _demo_units()

    measure_objects, plans = [], []
    per_field = -(-measures // len(fields))
    titles = _titles(rng, measures)
    for index in range(measures):
        field = fields[index // per_field]
        number_in_field = index % per_field + 1
        code = f"{field.number}.{number_in_field}"
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 720))
        ongoing = rng.random() < 0.15
        end = None if ongoing else start + timedelta(days=rng.randrange(180, 1000))
        has_budget = rng.random() < 0.6
        path = PATHS[rng.randrange(len(PATHS))] if rng.random() < 0.8 else []
        updates = _plan_updates(rng, path, start)
        latest = updates[-1] if updates else None
        measure_objects.append(
            Measure(
                concept=concept,
                field_of_action=field,
                code=code,
                sort_key=natural_sort_key(code),
                title=titles[index],
                summary="Beispielhafte Kurzbeschreibung einer Maßnahme für die Demonstration.",
                description="Beispieltext: Was die Maßnahme erreichen soll und wie sie umgesetzt wird.",
                target=f"Bis {end.year if end else 2028}: {rng.randrange(2, 40) * 5} Teilnehmende erreicht.",
                target_groups=rng.choice(["Geflüchtete", "Beschäftigte der Verwaltung", "Familien", "Unternehmen"]),
                planned_start=start,
                planned_end=end,
                ongoing=ongoing,
                budget=Decimal(rng.randrange(5, 400) * 1000) if has_budget else None,
                funding_status=rng.choice(FUNDED) if has_budget else FundingStatus.NO_COST,
                status=latest["status"] if latest else Status.NO_REPORT,
                ampel=latest["ampel"] if latest else Ampel.UNSPECIFIED,
                progress=latest["progress"] if latest else None,
                status_justification=latest["public_text"] if latest else "",
                status_date=latest["reporting_date"] if latest else None,
                internal_note="Interne Beispielnotiz – nie öffentlich.",
                published=True,
            )
        )
        plans.append(updates)
    measure_objects = Measure.objects.bulk_create(measure_objects, batch_size=500)

    Measure.goals.through.objects.bulk_create(
        (
            Measure.goals.through(measure_id=measure.pk, goal_id=goal.pk)
            for measure in measure_objects
            for goal in rng.sample(goals, rng.choice([1, 1, 2]))
        ),
        batch_size=1000,
    )
    responsibilities = []
    for measure in measure_objects:
        chosen = rng.sample(units, rng.choice([1, 2, 2, 3]))
        responsibilities.append(MeasureResponsibility(measure=measure, unit=chosen[0], role=Role.LEAD))
        responsibilities += [
            MeasureResponsibility(measure=measure, unit=unit, role=Role.PARTNER) for unit in chosen[1:]
        ]
    MeasureResponsibility.objects.bulk_create(responsibilities, batch_size=1000)
    StatusUpdate.objects.bulk_create(
        (
            StatusUpdate(measure=measure, **update)
            for measure, updates in zip(measure_objects, plans, strict=True)
            for update in updates
        ),
        batch_size=1000,
    )
    generate_demo_indicators(concept, measure_objects, goals)
    # Bulk writes send no model signals: tell the public pages' caches directly.
    bump_data_version()
    return concept


def _titles(rng: random.Random, count: int) -> list[str]:
    """``count`` different titles: every action with every topic once, then again as „Teil 2“, …"""
    combinations = [f"{action} {topic}" for action in ACTIONS for topic in TOPICS]
    rng.shuffle(combinations)
    return [
        combinations[index % len(combinations)]
        + (f" – Teil {index // len(combinations) + 1}" if index >= len(combinations) else "")
        for index in range(count)
    ]


def _ampel(rng: random.Random, status: Status) -> Ampel:
    """An Ampel that fits the status (``choices.combination_problems`` finds nothing)."""
    if status in (Status.DONE, Status.PERMANENT):
        return Ampel.ON_TRACK
    if status == Status.DROPPED:
        return Ampel.UNSPECIFIED
    if status == Status.POSTPONED:
        return rng.choice([Ampel.AT_RISK, Ampel.DELAYED])
    return rng.choice([Ampel.ON_TRACK, Ampel.ON_TRACK, Ampel.AT_RISK, Ampel.DELAYED])


def _plan_updates(rng: random.Random, path: list[Status], planned_start: date) -> list[dict]:
    """One published update per step of ``path``, in time order, half a year or so apart, the
    first on or after the measure's planned start."""
    updates, progress = [], 0
    day = max(REPORT_START, planned_start) + timedelta(days=rng.randrange(0, 200))
    for status in path:
        if day > REPORT_END:
            break
        progress = {
            Status.DONE: 100,
            Status.PERMANENT: 100,
            Status.NOT_STARTED: 0,
        }.get(status, min(95, progress + rng.randrange(10, 40)))
        updates.append(
            {
                "reporting_date": day,
                "status": status,
                "ampel": _ampel(rng, status),
                "progress": progress if status not in (Status.POSTPONED, Status.DROPPED) else None,
                "public_text": REPORT_TEXTS[status],
                "internal_note": "Interne Rückfrage (Beispiel) – nie öffentlich.",
                "state": UpdateState.PUBLISHED,
                "published_at": datetime.combine(day + timedelta(days=7), time(10), tzinfo=BERLIN),
            }
        )
        day += timedelta(days=rng.randrange(120, 240))
    return updates
