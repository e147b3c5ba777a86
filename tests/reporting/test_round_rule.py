"""Which report counts for a round: its „Stand vom“ within the round's period, whenever it was filed.

The period runs from the day after the previous round's cut-off date up to and including this
round's cut-off date (``ReportRound.period``, ``StatusUpdate.objects.for_round``). Round page,
„Meine Maßnahmen“, reminders and the report all follow it.
"""

import datetime
import re

import pytest
from django.urls import reverse

from measures.choices import Status, UpdateState
from measures.models import ReportRound, RoundPeriod, StatusUpdate
from measures.reporting.reminders import send_reminders
from measures.reporting.rounds import report_for
from tests.reporting.conftest import form_version, hidden_fields, make_update

FORM = {
    "status": Status.IN_PROGRESS,
    "ampel": "im_plan",
    "progress": "30",
    "public_text": "Läuft.",
    "internal_note": "",
}


def _round(concept, cut_off, title="Runde", **fields):
    return ReportRound.objects.create(
        concept=concept, title=title, cut_off_date=cut_off, deadline=cut_off + datetime.timedelta(days=30), **fields
    )


def test_the_periods_of_a_concepts_rounds_follow_each_other(concept, measure_a, reporter_a):
    first = _round(concept, datetime.date(2024, 12, 31), "2024")
    second = _round(concept, datetime.date(2025, 6, 30), "2025")
    assert first.period == RoundPeriod(after=None, until=datetime.date(2024, 12, 31))
    assert second.period == RoundPeriod(after=datetime.date(2024, 12, 31), until=datetime.date(2025, 6, 30))
    assert second.period.first_day == datetime.date(2025, 1, 1)
    dates = [
        datetime.date(2024, 12, 31),
        datetime.date(2025, 1, 1),
        datetime.date(2025, 6, 30),
        datetime.date(2025, 7, 1),
    ]
    updates = {day: make_update(measure_a, reporter_a, reporting_date=day) for day in dates}
    assert set(StatusUpdate.objects.for_round(first)) == {updates[dates[0]]}
    assert set(StatusUpdate.objects.for_round(second)) == {updates[dates[1]], updates[dates[2]]}
    assert ReportRound.objects.covering(concept.pk, dates[0]) == first
    assert ReportRound.objects.covering(concept.pk, dates[1]) == second
    assert ReportRound.objects.covering(concept.pk, dates[3]) is None  # the next round is not there yet


def _file_report(client, measure, reporting_date, *, submit):
    """A reporter fills in the report form; „Zur Prüfung einreichen“ and its confirmation, or a draft."""
    url = f"/meine-massnahmen/{measure.pk}/meldung/"
    data = {**FORM, "reporting_date": reporting_date}
    if not submit:
        assert client.post(url, {**data, "action": "draft"}).status_code == 302
        return
    confirmation = client.post(url, {**data, "action": "submit"})
    assert client.post(url, {**hidden_fields(confirmation), "action": "submit"}).status_code == 302


@pytest.fixture
def people_with_mail(reporter_a, reporter_b):
    for person in (reporter_a, reporter_b):
        person.email = f"{person.username}@example.org"
        person.save()
    return reporter_a, reporter_b


def test_reports_filed_before_the_round_was_created_count_for_it(
    client, concept, measure_a, measure_b, buero_user, people_with_mail, mailoutbox
):
    reporter_a, reporter_b = people_with_mail
    # Before any round exists: unit A reports „Stand vom“ 30.06.2025, the Büro publishes it;
    # unit B has a report from last year only (before the previous round's cut-off date).
    client.force_login(reporter_a)
    _file_report(client, measure_a, "2025-06-30", submit=True)
    report_a = StatusUpdate.objects.get(measure=measure_a)
    client.force_login(buero_user)
    url = f"/pruefung/{report_a.pk}/"
    assert client.post(url, {"action": "publish", "version": form_version(client, url)}).status_code == 302
    make_update(measure_b, reporter_b, state=UpdateState.SUBMITTED, reporting_date=datetime.date(2024, 12, 1))

    # Then the Büro creates the rounds in the admin, through its form.
    _round(concept, datetime.date(2024, 12, 31), "Sachstandsbericht 2024", closed=True)
    response = client.post(
        reverse("admin:measures_reportround_add"),
        {
            "concept": concept.pk,
            "title": "Sachstandsbericht 2025",
            "cut_off_date": "30.06.2025",
            "deadline": "31.07.2025",
        },
    )
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S)
    report_round = ReportRound.objects.get(title="Sachstandsbericht 2025")

    # The round page: A's report counts (published), B's old one does not (missing).
    content = client.get(f"/berichtsrunden/{report_round.pk}/").content.decode()
    section_a = content[content.index("Stelle A") : content.index("Stelle B")]
    section_b = content[content.index("Stelle B") :]
    assert "veröffentlicht" in section_a and "0 Meldungen fehlen" in section_a
    assert "1 Meldung fehlt" in section_b
    assert "vom 01.01.2025 bis zum 30.06.2025" in content

    # „Meine Maßnahmen“: nothing due for A, due for B.
    client.force_login(reporter_a)
    assert "Sachstandsbericht 2025" not in client.get("/meine-massnahmen/").content.decode()
    client.force_login(reporter_b)
    assert "Sachstandsbericht 2025, bis 31.07.2025 (fehlt)" in client.get("/meine-massnahmen/").content.decode()

    # The reminders on the deadline: only unit B.
    send_reminders(today=datetime.date(2025, 7, 31))
    assert [mail.to for mail in mailoutbox] == [["reporter-b@example.org"]]

    # The printed report: A reported in this round, with its status; B has no report.
    rows = {row["measure"].code: row for row in report_for(report_round).rows}
    assert rows["1.1"]["reported_in_round"] and rows["1.1"]["now"].status == Status.IN_PROGRESS
    assert not rows["1.2"]["now"].has_report  # submitted, never published


def test_reports_filed_after_the_round_was_created_count_by_their_date(
    client, concept, measure_b, reporter_b, buero_user
):
    report_round = _round(concept, datetime.date(2025, 6, 30), "Sachstandsbericht 2025")

    def round_page():
        client.force_login(buero_user)
        content = client.get(f"/berichtsrunden/{report_round.pk}/").content.decode()
        client.force_login(reporter_b)
        return content

    client.force_login(reporter_b)
    # „Stand vom“ after the cut-off date: the next round's report, not this one's.
    _file_report(client, measure_b, "2025-07-01", submit=True)
    assert "1 Meldung fehlt" in round_page()
    # On the cut-off date: counts, as a draft first (still missing), then submitted.
    _file_report(client, measure_b, "2025-06-30", submit=False)
    content = round_page()
    assert "Entwurf, noch nicht eingereicht" in content and "1 Meldung fehlt" in content
    _file_report(client, measure_b, "2025-06-30", submit=True)
    content = round_page()
    assert "eingereicht, wartet auf Prüfung" in content and "0 Meldungen fehlen" in content
