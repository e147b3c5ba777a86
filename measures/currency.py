"""How current a measure's status is: „aktuell“, „älter“, „veraltet“ or „noch keine Meldung“.

The one rule, used by every page, filter and list. It reads only the date of the latest
published report („Stand vom“, ``Measure.status_date``), the cut-off dates of the concept's
report rounds and the Büro's threshold (``Concept.stale_after_days``):

- A report counts for a round by its „Stand vom“: after the previous round's cut-off, up to
  and including this round's cut-off. The current round is the one whose period holds today,
  the last round the one before it (after the latest cut-off, the latest round is the last).
- „aktuell“: reported in the current or the last round, i.e. after the cut-off of the round
  before the last one. With fewer than two cut-offs before today every report is in one of
  those two rounds.
- „veraltet“: the report is older than the threshold, whatever the rounds say.
- „älter“: reported, but neither of the above.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from .choices import Currency


@dataclass(frozen=True)
class CurrencyRule:
    """The two dates that divide reports into „aktuell“, „älter“ and „veraltet“ on one day."""

    current_after: date | None  # a report dated after this is „aktuell“ (None: every report)
    stale_before: date  # a report dated before this is „veraltet“

    def of(self, status_date: date | None) -> Currency:
        if status_date is None:
            return Currency.NO_REPORT
        if status_date < self.stale_before:
            return Currency.STALE
        if self.current_after is None or status_date > self.current_after:
            return Currency.CURRENT
        return Currency.OLDER

    def condition(self, currency: str, field: str = "status_date") -> Q:
        """The same rule as a filter on ``field`` (a date), for lists and counts."""
        reported = Q(**{f"{field}__isnull": False})
        fresh = Q(**{f"{field}__gte": self.stale_before})
        after = Q(**{f"{field}__gt": self.current_after}) if self.current_after else Q()
        if currency == Currency.NO_REPORT:
            return Q(**{f"{field}__isnull": True})
        if currency == Currency.STALE:
            return Q(**{f"{field}__lt": self.stale_before})
        if currency == Currency.CURRENT:
            return reported & fresh & after
        if currency == Currency.OLDER:
            if self.current_after is None:
                return Q(pk__in=[])
            return reported & fresh & Q(**{f"{field}__lte": self.current_after})
        raise ValueError(currency)


def currency_rule(cut_offs: Iterable[date], *, today: date, stale_after_days: int) -> CurrencyRule:
    """The rule on ``today`` for a concept whose rounds have these cut-off dates."""
    # The rounds whose period ended before today: the last of them is the "last round", the
    # one before it ends where "aktuell" begins. A round whose cut-off is today is still current.
    past = sorted(cut_off for cut_off in cut_offs if cut_off < today)
    current_after = past[-2] if len(past) >= 2 else None
    return CurrencyRule(current_after=current_after, stale_before=today - timedelta(days=stale_after_days))


def measure_currency(status_date, *, cut_offs: Iterable[date], today: date, stale_after_days: int) -> Currency:
    """How current a status reported on ``status_date`` is on ``today``."""
    return currency_rule(cut_offs, today=today, stale_after_days=stale_after_days).of(status_date)


def currency_rule_for(concept, today: date | None = None) -> CurrencyRule:
    """The rule for ``concept`` today (one query: its rounds' cut-off dates)."""
    from .models import ReportRound

    cut_offs = ReportRound.objects.filter(concept_id=concept.pk).values_list("cut_off_date", flat=True)
    return currency_rule(cut_offs, today=today or timezone.localdate(), stale_after_days=concept.stale_after_days)
