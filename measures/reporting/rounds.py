"""Report rounds: who has reported, and the Sachstandsbericht's figures at the cut-off date.

Which report counts for a round is one rule, ``ReportRound.period`` with
``StatusUpdate.objects.for_round``: its „Stand vom“ lies after the previous round's cut-off date
and not after this round's. The round page, „Meine Maßnahmen“, the reminders and the report use it.

Reads only; every function runs a constant number of queries, whatever the number of measures.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from ..choices import Ampel, Status, UpdateState
from ..models import Measure, ReportRound, StatusUpdate

# How a measure stands in a round, from the best state of its updates in that round.
ROUND_STATES = {
    "published": _("veröffentlicht"),
    "submitted": _("eingereicht, wartet auf Prüfung"),
    "returned": _("zurückgegeben, wird überarbeitet"),
    "draft": _("Entwurf, noch nicht eingereicht"),
    "missing": _("fehlt"),
}
_STATE_ORDER = {
    UpdateState.PUBLISHED: "published",
    UpdateState.SUBMITTED: "submitted",
    UpdateState.RETURNED: "returned",
    UpdateState.DRAFT: "draft",
}
_RANK = list(ROUND_STATES)


def round_state(updates_in_round) -> str:
    """``published`` beats ``submitted`` beats ``returned`` beats ``draft``; nothing is ``missing``."""
    states = [_STATE_ORDER[update.state] for update in updates_in_round]
    return min(states, key=_RANK.index) if states else "missing"


def is_reported(state: str) -> bool:
    return state in ("published", "submitted")


@dataclass
class UnitOverview:
    unit: object
    rows: list = field(default_factory=list)

    @property
    def missing(self):
        return sum(1 for row in self.rows if not is_reported(row["state"]))


def round_state_of(measure_updates, report_round: ReportRound) -> str:
    """How a measure stands in ``report_round``, from all its updates (in memory; the same rule as
    ``StatusUpdate.objects.for_round``, for pages that already hold the updates of several rounds)."""
    period = report_round.period
    return round_state([update for update in measure_updates if update.reporting_date in period])


def round_overview(report_round: ReportRound) -> list[UnitOverview]:
    """Per lead unit, each measure of the round's concept and how it stands in the round."""
    measures = (
        Measure.objects.filter(concept_id=report_round.concept_id)
        .with_leads()
        .prefetch_related(
            Prefetch(
                "status_updates",
                queryset=StatusUpdate.objects.for_round(report_round),
                to_attr="round_updates",
            ),
        )
        .order_by("sort_key")
    )
    by_unit: dict = {}
    without_lead = UnitOverview(unit=None)
    for measure in measures:
        row = {"measure": measure, "state": round_state(measure.round_updates)}
        row["state_label"] = ROUND_STATES[row["state"]]
        if not measure.lead_responsibilities:
            without_lead.rows.append(row)
        for responsibility in measure.lead_responsibilities:
            by_unit.setdefault(responsibility.unit.pk, UnitOverview(unit=responsibility.unit)).rows.append(row)
    overviews = sorted(by_unit.values(), key=lambda overview: overview.unit.name)
    if without_lead.rows:
        overviews.append(without_lead)
    return overviews


@dataclass
class StatusAt:
    """A measure's published status at a date; ``update`` is None when nothing was reported."""

    update: object = None

    @property
    def status(self) -> str:
        return self.update.status if self.update else Status.NO_REPORT

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def ampel(self) -> str:
        return self.update.ampel if self.update else Ampel.UNSPECIFIED

    @property
    def ampel_label(self) -> str:
        return Ampel(self.ampel).label

    @property
    def progress(self):
        return self.update.progress if self.update else None

    @property
    def reporting_date(self):
        return self.update.reporting_date if self.update else None

    @property
    def has_report(self) -> bool:
        return self.update is not None


def _published_status_at(measure_ids, date) -> dict:
    """Per measure id, the latest update published by now whose reporting date is not after ``date``."""
    if date is None:
        return {}
    latest = {}
    updates = StatusUpdate.objects.filter(
        measure_id__in=measure_ids, state=UpdateState.PUBLISHED, reporting_date__lte=date
    ).latest_first()
    for update in updates:
        latest.setdefault(update.measure_id, update)
    return latest


def _change(before: StatusAt, now: StatusAt, has_previous_round: bool) -> str:
    if not has_previous_round:
        return str(_("erste Berichtsrunde"))
    if not now.has_report:
        return str(_("noch keine Meldung"))
    if not before.has_report:
        return str(_("erstmals gemeldet"))
    parts = []
    if before.status != now.status:
        parts.append(f"{before.status_label} → {now.status_label}")
    if before.progress != now.progress:
        old = "–" if before.progress is None else f"{before.progress} %"
        new = "–" if now.progress is None else f"{now.progress} %"
        parts.append(_("Fortschritt %(old)s → %(new)s") % {"old": old, "new": new})
    return "; ".join(str(part) for part in parts) or str(_("unverändert"))


@dataclass
class Totals:
    label: str
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self):
        return [self.counts.get(status, 0) for status in Status.values]


@dataclass
class Report:
    report_round: ReportRound
    previous_round: ReportRound | None
    rows: list
    by_field: list
    by_goal: list
    overall: Totals
    # Unpublished measures are left out unless the Büro asks for them; then each is marked.
    include_unpublished: bool = False
    unpublished_left_out: int = 0

    @property
    def without_report(self):
        return [row for row in self.rows if not row["now"].has_report]

    @property
    def not_updated(self):
        """Measures whose status at the cut-off date comes from a report of an earlier round."""
        return [row for row in self.rows if row["now"].has_report and not row["reported_in_round"]]

    @property
    def unpublished_rows(self):
        return [row for row in self.rows if not row["public"]]

    @property
    def status_labels(self):
        return Status.labels


def report_for(report_round: ReportRound, *, include_unpublished: bool = False) -> Report:
    """The Sachstandsbericht: every measure's status at the cut-off date, the change since the
    previous round, and totals per field of action and goal ("noch keine Meldung" counted as such).

    The document is passed on beyond the Büro, so measures the public cannot see are left out
    unless ``include_unpublished``; then they are in it and marked as not published.
    """
    previous_round = report_round.previous()
    concept_measures = Measure.objects.filter(concept_id=report_round.concept_id)
    public_ids = set(concept_measures.published().values_list("pk", flat=True))
    measures = concept_measures if include_unpublished else concept_measures.filter(pk__in=public_ids)
    measures = list(
        measures.select_related("field_of_action")
        .with_leads()
        .prefetch_related("goals")
        .order_by("field_of_action__number", "sort_key")
    )
    ids = [measure.pk for measure in measures]
    now_by_measure = _published_status_at(ids, report_round.cut_off_date)
    before_by_measure = _published_status_at(ids, previous_round.cut_off_date if previous_round else None)
    period = report_round.period

    rows, by_field, by_goal = [], {}, {}
    overall = Totals(label=str(_("Alle Maßnahmen")))
    for measure in measures:
        now = StatusAt(now_by_measure.get(measure.pk))
        before = StatusAt(before_by_measure.get(measure.pk))
        rows.append(
            {
                "measure": measure,
                "leads": ", ".join(r.unit.short_name or r.unit.name for r in measure.lead_responsibilities) or "–",
                "now": now,
                "before": before,
                "change": _change(before, now, previous_round is not None),
                "reported_in_round": now.has_report and now.reporting_date in period,
                "public": measure.pk in public_ids,
            }
        )
        overall.counts[now.status] += 1
        field_totals = by_field.setdefault(measure.field_of_action_id, Totals(label=str(measure.field_of_action)))
        field_totals.counts[now.status] += 1
        for goal in measure.goals.all():
            by_goal.setdefault(goal, Totals(label=str(goal))).counts[now.status] += 1
    goals = sorted(by_goal.items(), key=lambda item: item[0].number)
    return Report(
        report_round=report_round,
        previous_round=previous_round,
        rows=rows,
        by_field=list(by_field.values()),
        by_goal=[totals for _goal, totals in goals],
        overall=overall,
        include_unpublished=include_unpublished,
        unpublished_left_out=0 if include_unpublished else concept_measures.count() - len(public_ids),
    )
