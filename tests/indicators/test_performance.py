"""SQL queries per page stay the same as indicators and values grow (10 → 1,000 values)."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.demo import generate_demo
from measures.models import (
    BreakdownCategory,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    IndicatorValueProposal,
    Measure,
    ReportRound,
)

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/demo/",
    "/demo/indikatoren/",
    "/demo/indikatoren/1/",
    "/demo/indikatoren/3/",
    "/demo/ziele/1/",
    "/demo/massnahmen/1.1/",
    "/demo/massnahmen/?aktualitaet=veraltet",
    "/demo/indikatoren.json",
    "/demo/indikatorwerte.csv",
    "/demo/indikatorwerte.json",
    "/demo/indikatorwerte.xlsx",
]


@pytest.fixture
def memory_cache(settings):
    settings.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
        for alias in ("default", "pages")
    }


def _grow(concept, *, indicators: int, values: int, proposals: int, author):
    """The demo concept with this many indicators, values (totals and groups) and proposals."""
    IndicatorValue.objects.filter(indicator__concept=concept).delete()
    existing = list(Indicator.objects.filter(concept=concept))
    goal = concept.goals.get(number=1)
    measure = Measure.objects.get(concept=concept, code="1.1")
    for number in range(len(existing) + 1, indicators + 1):
        extra = Indicator.objects.create(
            concept=concept,
            number=number,
            name=f"Zusatz {number}",
            unit="%",
            published=True,
            baseline_date=date(2023, 12, 31),
            baseline_value=1,
        )
        extra.goals.add(goal)
        extra.measures.add(measure)
        IndicatorTarget.objects.create(indicator=extra, target_date=date(2028, 12, 31), value=5)
    all_indicators = list(Indicator.objects.filter(concept=concept).order_by("number"))
    groups = [None, *BreakdownCategory.objects.filter(dimension__name="Geschlecht").order_by("position")]
    rows = []
    for index in range(values):
        indicator = all_indicators[index % len(all_indicators)]
        slot = index // len(all_indicators)
        rows.append(
            IndicatorValue(
                indicator=indicator,
                reference_date=date(2025, 12, 31) - timedelta(days=30 * (slot // len(groups))),
                category=groups[slot % len(groups)],
                value=7 + slot % 5,
                case_count=3 + slot,
            )
        )
    IndicatorValue.objects.bulk_create(rows)
    IndicatorValueProposal.objects.filter(measure=measure).delete()
    IndicatorValueProposal.objects.bulk_create(
        IndicatorValueProposal(
            indicator=all_indicators[0], measure=measure, reference_date=date(2025, 12, 31), value=i, author=author
        )
        for i in range(proposals)
    )
    assert IndicatorValue.objects.filter(indicator__concept=concept).count() == values


def _counts(client, urls):
    counts = {}
    for url in urls:
        for alias in settings.CACHES:
            caches[alias].clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_public_pages_and_files(client, memory_cache, buero_user):
    concept = generate_demo(measures=20)
    _grow(concept, indicators=5, values=10, proposals=1, author=buero_user)
    small = _counts(client, PUBLIC)
    _grow(concept, indicators=50, values=1000, proposals=40, author=buero_user)
    large = _counts(client, PUBLIC)
    assert large == small
    for url, count in small.items():
        assert count <= 16, (url, count)


def test_staff_pages(client, memory_cache, buero_user):
    concept = generate_demo(measures=20)
    report_round = ReportRound.objects.create(
        concept=concept, title="Runde", cut_off_date=date(2025, 12, 31), deadline=date(2026, 1, 31)
    )
    measure = Measure.objects.get(concept=concept, code="1.1")
    proposal_pages = ["/meine-massnahmen/", "/pruefung/", f"/meine-massnahmen/{measure.pk}/"]
    urls = [*proposal_pages, f"/berichtsrunden/{report_round.pk}/bericht/"]
    client.force_login(buero_user)
    _grow(concept, indicators=5, values=10, proposals=1, author=buero_user)
    small = _counts(client, urls)
    _grow(concept, indicators=50, values=1000, proposals=40, author=buero_user)
    large = _counts(client, urls)
    assert large == small
