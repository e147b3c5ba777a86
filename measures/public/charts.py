"""Shares of statuses and Ampel values, as the public charts draw them."""

from dataclasses import dataclass

from ..choices import AMPEL_ICONS, STATUS_ICONS, Ampel, Status


@dataclass(frozen=True)
class Share:
    """One category of a chart: its value, label, symbol, count and share of the total."""

    value: str
    label: str
    icon: str
    count: int
    percent: float
    offset: float

    @property
    def percent_text(self) -> str:
        # For SVG attributes: always a dot as decimal separator, whatever the locale.
        return f"{self.percent:.2f}"

    @property
    def offset_text(self) -> str:
        return f"{self.offset:.2f}"

    @property
    def rounded_percent(self) -> int:
        return round(self.percent)


def shares(counts: dict, choices, icons) -> list[Share]:
    """Every category of ``choices`` in its defined order, also those with no measure."""
    total = sum(counts.values())
    result, offset = [], 0.0
    for choice in choices:
        count = counts.get(choice.value, 0)
        percent = 100 * count / total if total else 0.0
        result.append(Share(choice.value, choice.label, icons[choice], count, percent, offset))
        offset += percent
    return result


def status_shares(counts: dict) -> list[Share]:
    return shares(counts, Status, STATUS_ICONS)


def ampel_shares(counts: dict) -> list[Share]:
    return shares(counts, Ampel, AMPEL_ICONS)
