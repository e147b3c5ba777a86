"""Reminder e-mails for open report rounds (run daily by ``manage.py send_reminders``).

Each lead unit's reporters are reminded of missing and of returned reports: a few days
before the deadline, on the deadline and every seven days after it. A reminder for one
round, unit and reason is sent at most once a day (SentReminder's unique constraint).
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import Milestone, ReportRound, SentReminder
from .rounds import round_overview

User = get_user_model()
MISSING_STATES = ("missing", "draft")

logger = logging.getLogger(__name__)


def reminder_stage(report_round: ReportRound, today: datetime.date) -> str | None:
    """``before``, ``due``, ``overdue`` or None when no reminder is due today."""
    days_left = (report_round.deadline - today).days
    if days_left == settings.REPORT_REMINDER_DAYS_BEFORE:
        return "before"
    if days_left == 0:
        return "due"
    if days_left < 0 and days_left % 7 == 0:
        return "overdue"
    return None


def _reporters(unit) -> list:
    return list(User.objects.reporters_of(unit).exclude(email="").order_by("username"))


def _send(report_round, unit, reason, stage, measures, recipients, today) -> bool:
    with transaction.atomic():
        _log, created = SentReminder.objects.get_or_create(
            report_round=report_round,
            unit=unit,
            reason=reason,
            sent_on=today,
            defaults={
                "recipients": ", ".join(user.email for user in recipients),
                "measure_codes": ", ".join(measure.code for measure in measures),
            },
        )
        if not created:
            return False
        _attach_overdue_milestones(measures, today)
        context = {
            "round": report_round,
            "unit": unit,
            "reason": reason,
            "stage": stage,
            "measures": measures,
            "url": settings.SITE_URL + reverse("staff:my_measures"),
        }
        if reason == SentReminder.Reason.RETURNED:
            subject = _("Zurückgegebene Sachstandsmeldungen: %(title)s")
        elif stage == "overdue":
            subject = _("Meldefrist abgelaufen: %(title)s")
        else:
            subject = _("Erinnerung an die Sachstandsmeldungen: %(title)s")
        for user in recipients:
            send_mail(
                subject=subject % {"title": report_round.title},
                message=render_to_string("measures/staff/email/reminder.txt", {**context, "person": user}),
                from_email=None,
                recipient_list=[user.email],
            )
    return True


def _attach_overdue_milestones(measures, today) -> None:
    """``measure.overdue_milestones`` for each measure, which the e-mail names."""
    by_pk = {measure.pk: measure for measure in measures}
    for measure in measures:
        measure.overdue_milestones = []
    for milestone in Milestone.objects.overdue(today).filter(measure__in=list(by_pk)):
        by_pk[milestone.measure_id].overdue_milestones.append(milestone)


def send_reminders(*, today: datetime.date) -> int:
    """Send the reminders due ``today``; return the number of e-mails sent."""
    sent = 0
    for report_round in ReportRound.objects.open().select_related("concept"):
        stage = reminder_stage(report_round, today)
        if stage is None:
            continue
        for overview in round_overview(report_round):
            if overview.unit is None:
                continue
            recipients = None
            for reason, states in (
                (SentReminder.Reason.MISSING, MISSING_STATES),
                (SentReminder.Reason.RETURNED, ("returned",)),
            ):
                measures = [row["measure"] for row in overview.rows if row["state"] in states]
                if not measures:
                    continue
                recipients = _reporters(overview.unit) if recipients is None else recipients
                if not recipients:
                    continue
                try:
                    if _send(report_round, overview.unit, reason, stage, measures, recipients, today):
                        sent += len(recipients)
                except Exception:
                    # Nothing is logged as sent for this unit, so tomorrow's run tries again;
                    # the other units still get their reminders today.
                    logger.exception("Reminder to %s for %s failed", overview.unit, report_round)
    return sent
