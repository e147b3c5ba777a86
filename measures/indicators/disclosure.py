"""Statistical disclosure control: no public output shows a value that identifies people.

Every public page, chart, open-data file and the Sachstandsbericht take values of a breakdown
(values with a category) only through ``disclose``; what it returns carries no number for a
withheld value at all, so no template or file can print one.

- A breakdown value is withheld when it rests on fewer cases than the concept's minimum
  (``Concept.disclosure_minimum``, set by the Büro). Its case count is the value itself for
  indicators whose values are counts, otherwise the case count entered with it; without a
  case count it is withheld too.
- For counts, the groups of one characteristic add up to the total: if exactly one of them is
  withheld on a date, it could be worked out by subtraction, so the next smallest is withheld
  as well.
- Totals (no category) are published; case counts never are.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

SMALL, UNKNOWN, SECONDARY = "small", "unknown", "secondary"


@dataclass(frozen=True)
class PublicValue:
    """A value as the public may see it. ``amount`` is None when the value is withheld."""

    indicator_id: int
    reference_date: date
    period: str
    dimension: str  # "" for the total
    category: str  # "" for the total
    category_id: int | None
    amount: Decimal | None
    provisional: bool
    note: str
    withheld: str = ""  # "", SMALL, UNKNOWN or SECONDARY
    withheld_text: str = ""  # what is shown instead, e.g. „< 5“

    @property
    def is_total(self) -> bool:
        return self.category_id is None


def withheld_text(reason: str, *, counts: bool, minimum: int) -> str:
    if reason == SMALL:
        # For counts the value itself is below the minimum; for shares the group is.
        return f"< {minimum}" if counts else _("Fallzahl < %(minimum)s") % {"minimum": minimum}
    return _("nicht veröffentlicht")


def _case_count(value, counts: bool):
    return int(value.value) if counts else value.case_count


def disclose(values: Iterable, *, counts: bool, minimum: int) -> list[PublicValue]:
    """The values of one indicator (``category__dimension`` selected), in the given order, made public."""
    values = list(values)
    reasons = {}
    groups = defaultdict(list)
    for value in values:
        if value.category_id is None:
            continue
        cases = _case_count(value, counts)
        if cases is None:
            reasons[value.pk] = UNKNOWN
        elif cases < minimum:
            reasons[value.pk] = SMALL
        groups[(value.reference_date, value.category.dimension_id)].append(value)
    if counts:
        for group in groups.values():
            withheld = [v for v in group if v.pk in reasons]
            shown = [v for v in group if v.pk not in reasons]
            if len(withheld) == 1 and shown:
                smallest = min(shown, key=lambda v: (v.value, v.category.position, v.category.name))
                reasons[smallest.pk] = SECONDARY
    public = []
    for value in values:
        reason = reasons.get(value.pk, "")
        category = value.category
        public.append(
            PublicValue(
                indicator_id=value.indicator_id,
                reference_date=value.reference_date,
                period=value.period_display,
                dimension=category.dimension.name if category else "",
                category=category.name if category else "",
                category_id=value.category_id,
                amount=None if reason else value.value,
                provisional=value.provisional,
                note="" if reason else value.note,
                withheld=reason,
                withheld_text=withheld_text(reason, counts=counts, minimum=minimum) if reason else "",
            )
        )
    return public


def disclose_many(values: Iterable, indicators: dict) -> list[PublicValue]:
    """Values of several indicators (``indicators``: by id, with their concept), in the given order."""
    by_indicator = defaultdict(list)
    order = []
    for value in values:
        by_indicator[value.indicator_id].append(value)
        order.append((value.indicator_id, len(by_indicator[value.indicator_id]) - 1))
    disclosed = {
        indicator_id: disclose(
            group,
            counts=indicators[indicator_id].counts,
            minimum=indicators[indicator_id].concept.disclosure_minimum,
        )
        for indicator_id, group in by_indicator.items()
    }
    return [disclosed[indicator_id][index] for indicator_id, index in order]
