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
        return f"{self.percent:.1f}"

    @property
    def offset_text(self) -> str:
        return f"{self.offset:.1f}"

    @property
    def rounded_percent(self) -> int:
        return round(self.percent)

    @property
    def center_text(self) -> str:
        return f"{self.offset + self.percent / 2:.1f}"

    @property
    def label_size(self) -> str:
        """Which screens have room for the segment's symbol and count: "all" (even a bar of about
        280 px at 320 px), "medium" and "wide" (site.css hides them below 40 and 64 rem), or ""
        (none). Segments without a label are named in the legend and the tables."""
        scale = 1 if self.count < 100 else 1.4
        if self.percent >= 11 * scale:
            return "all"
        if self.percent >= 5.5 * scale:
            return "medium"
        if self.percent >= 3 * scale:
            return "wide"
        return ""

    @property
    def label_width(self) -> int:
        """Pixels of the white box behind a segment's label: symbol, space and digits."""
        return 16 + 8 * len(str(self.count))

    @property
    def label_offset(self) -> int:
        return self.label_width // 2


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
