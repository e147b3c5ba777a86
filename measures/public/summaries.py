"""Computed figures of a concept's public measures, cached until the public data changes."""

from collections import Counter

from django.core.cache import cache
from django.db.models import Count

from ..choices import Status
from ..models import Measure
from ..versions import data_version

SUMMARY_TIMEOUT = 60 * 60 * 24


def _compute_concept_summary(concept) -> dict:
    public = Measure.objects.published().filter(concept=concept)
    status_by_field, status_counts, ampel_counts = {}, Counter(), Counter()
    rows = public.values("field_of_action__number", "field_of_action__title", "status", "ampel").annotate(n=Count("pk"))
    fields = {}
    for row in rows:
        number = row["field_of_action__number"]
        fields[number] = row["field_of_action__title"]
        status_by_field.setdefault(number, Counter())[row["status"]] += row["n"]
        status_counts[row["status"]] += row["n"]
        ampel_counts[row["ampel"]] += row["n"]
    # Fields and goals without any public measure still belong on the dashboard.
    for number, title in concept.fields_of_action.values_list("number", "title"):
        fields.setdefault(number, title)
    goals, status_by_goal = {}, {}
    for number, title in concept.goals.values_list("number", "title"):
        goals[number] = title
    goal_rows = public.filter(goals__isnull=False).values("goals__number", "status").annotate(n=Count("pk"))
    for row in goal_rows:
        status_by_goal.setdefault(row["goals__number"], Counter())[row["status"]] += row["n"]
    return {
        "total": sum(status_counts.values()),
        "status": dict(status_counts),
        "ampel": dict(ampel_counts),
        "fields": [
            {"number": number, "title": fields[number], "status": dict(status_by_field.get(number, {}))}
            for number in sorted(fields)
        ],
        "goals": [
            {"number": number, "title": goals[number], "status": dict(status_by_goal.get(number, {}))}
            for number in sorted(goals)
        ],
    }


def concept_summary(concept) -> dict:
    """Counts per status, Ampel, field of action and goal of the concept's public measures,
    computed once per public data version."""
    key = f"umsetzungsmonitor:summary:{concept.pk}"
    version = data_version()
    kept = cache.get(key)
    if kept is not None and kept["version"] == version:
        return kept["summary"]
    summary = _compute_concept_summary(concept)
    cache.set(key, {"version": version, "summary": summary}, SUMMARY_TIMEOUT)
    return summary


def headline(counts: dict) -> dict:
    """The few figures shown for a concept on the start page and at the top of its dashboard."""
    total = sum(counts.values())
    done = counts.get(Status.DONE, 0) + counts.get(Status.PERMANENT, 0)
    no_report = counts.get(Status.NO_REPORT, 0)
    return {"total": total, "done": done, "no_report": no_report, "reported": total - no_report}
