"""send_reminders: before the deadline, on it and weekly after; never twice for one reason on one day."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from measures.choices import UpdateState
from measures.models import SentReminder
from measures.reporting.reminders import reminder_stage, send_reminders
from tests.reporting.conftest import make_update

DEADLINE = datetime.date(2026, 4, 30)


@pytest.fixture
def people(reporter_a, reporter_b, buero_user, unit_a):
    from accounts.models import Membership

    reporter_a.email, reporter_b.email = "a@example.org", "b@example.org"
    reporter_a.save()
    reporter_b.save()
    # A Büro member in unit A who is not a reporter gets no reminders.
    buero_user.email = "buero@example.org"
    buero_user.save()
    Membership.objects.create(user=buero_user, unit=unit_a)
    return reporter_a, reporter_b


@pytest.fixture
def round_with_reports(report_round, measure_a, measure_b, people):
    """Unit A has not reported on 1.1; unit B has submitted 1.2."""
    make_update(measure_b, people[1], state=UpdateState.SUBMITTED, report_round=report_round)
    return report_round


@pytest.mark.parametrize(
    ("day", "stage"),
    [
        (datetime.date(2026, 4, 22), None),
        (datetime.date(2026, 4, 23), "before"),
        (datetime.date(2026, 4, 29), None),
        (DEADLINE, "due"),
        (datetime.date(2026, 5, 1), None),
        (datetime.date(2026, 5, 7), "overdue"),
        (datetime.date(2026, 5, 14), "overdue"),
    ],
)
def test_schedule(report_round, day, stage, settings):
    settings.REPORT_REMINDER_DAYS_BEFORE = 7
    assert reminder_stage(report_round, day) == stage


def test_before_the_deadline_only_the_missing_unit_is_reminded_once_a_day(round_with_reports, mailoutbox):
    assert send_reminders(today=datetime.date(2026, 4, 22)) == 0
    assert mailoutbox == []

    assert send_reminders(today=datetime.date(2026, 4, 23)) == 1
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["a@example.org"]
    assert mail.subject == "Erinnerung an die Sachstandsmeldungen: Sachstandsbericht 2026"
    assert "bis zum 30.04.2026 um eine Sachstandsmeldung" in mail.body
    assert "- 1.1 Testmaßnahme" in mail.body
    assert "1.2" not in mail.body
    assert "/meine-massnahmen/" in mail.body

    # cron runs twice on the same day: nothing new.
    assert send_reminders(today=datetime.date(2026, 4, 23)) == 0
    assert len(mailoutbox) == 1
    assert SentReminder.objects.get().measure_codes == "1.1"


def test_on_and_after_the_deadline(round_with_reports, mailoutbox):
    send_reminders(today=DEADLINE)
    assert "heute endet die Meldefrist" in mailoutbox[-1].body
    send_reminders(today=datetime.date(2026, 5, 1))
    send_reminders(today=datetime.date(2026, 5, 6))
    assert len(mailoutbox) == 1
    send_reminders(today=datetime.date(2026, 5, 7))
    assert len(mailoutbox) == 2
    assert mailoutbox[-1].subject == "Meldefrist abgelaufen: Sachstandsbericht 2026"
    assert "ist am 30.04.2026 abgelaufen" in mailoutbox[-1].body
    send_reminders(today=datetime.date(2026, 5, 14))
    assert len(mailoutbox) == 3


def test_returned_reports_are_a_reason_of_their_own(round_with_reports, measure_b, mailoutbox):
    update = measure_b.status_updates.get()
    update.state = UpdateState.RETURNED
    update.save()
    send_reminders(today=DEADLINE)
    subjects = sorted((mail.to[0], mail.subject) for mail in mailoutbox)
    assert subjects == [
        ("a@example.org", "Erinnerung an die Sachstandsmeldungen: Sachstandsbericht 2026"),
        ("b@example.org", "Zurückgegebene Sachstandsmeldungen: Sachstandsbericht 2026"),
    ]
    returned = next(mail for mail in mailoutbox if mail.to == ["b@example.org"])
    assert "zurückgegeben" in returned.body and "- 1.2 Maßnahme der Stelle B" in returned.body
    assert set(SentReminder.objects.values_list("reason", flat=True)) == {"fehlt", "zurueckgegeben"}


def test_drafts_count_as_missing(report_round, measure_a, people, mailoutbox):
    make_update(measure_a, people[0], report_round=report_round)
    send_reminders(today=DEADLINE)
    assert len(mailoutbox) == 1 and "1.1 Testmaßnahme" in mailoutbox[0].body


def test_closed_rounds_remind_nobody(round_with_reports, mailoutbox):
    round_with_reports.closed = True
    round_with_reports.save()
    assert send_reminders(today=DEADLINE) == 0
    assert mailoutbox == []


def test_command(round_with_reports, mailoutbox, capsys):
    call_command("send_reminders", "--datum", "2026-04-30")
    assert "1 Erinnerung(en) verschickt (30.04.2026)" in capsys.readouterr().out
    assert len(mailoutbox) == 1
    with pytest.raises(CommandError, match="--datum muss ein Datum"):
        call_command("send_reminders", "--datum", "30.04.2026")


def test_a_failing_mail_server_for_one_unit_does_not_stop_the_others(
    report_round, measure_a, measure_b, people, mailoutbox, monkeypatch, caplog
):
    """Neither unit has reported; sending to unit A fails, unit B still gets its reminder, and
    A's reminder is not logged as sent, so tomorrow's run tries again."""
    from django.core import mail

    real_send_mail = mail.send_mail

    def flaky_send_mail(*, recipient_list, **kwargs):
        if recipient_list == ["a@example.org"]:
            raise ConnectionRefusedError("SMTP server down")
        return real_send_mail(recipient_list=recipient_list, **kwargs)

    monkeypatch.setattr("measures.reporting.reminders.send_mail", flaky_send_mail)
    assert send_reminders(today=DEADLINE) == 1
    assert [message.to for message in mailoutbox] == [["b@example.org"]]
    assert list(SentReminder.objects.values_list("unit__name", flat=True)) == ["Stelle B"]
    assert "Reminder to Stelle A" in caplog.text
