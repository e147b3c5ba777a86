"""What the Büro should look at twice before publishing a report: the review page's flags.

Flags never block: a unit may have good reasons for an unusual report. They say what is unusual
so that the Büro asks before the report goes public.
"""

from django.utils.translation import gettext as _

from ..choices import STATUS_SEQUENCE, Status, combination_problems
from ..models import ReportRound, StatusUpdate, reporting_date_error


def _day(value) -> str:
    return value.strftime("%d.%m.%Y")


def review_flags(update: StatusUpdate, *, open_round: ReportRound | None, today=None) -> list[str]:
    """The flags of ``update`` against its measure's published status (``update.measure``) and the
    open round of its concept (``open_round``, passed in so that a list of reports costs no query each)."""
    measure = update.measure
    flags = []
    date_error = reporting_date_error(update.reporting_date, measure.concept, today=today)
    if date_error:
        flags.append(str(date_error))
    if open_round is not None and update.reporting_date not in open_round.period:
        period = open_round.period
        if period.first_day:
            window = _("vom %(first)s bis zum %(last)s") % {"first": _day(period.first_day), "last": _day(period.until)}
        else:
            window = _("bis zum %(last)s") % {"last": _day(period.until)}
        flags.append(
            _(
                "„Stand vom“ %(date)s liegt nicht im Zeitraum der offenen Berichtsrunde „%(round)s“ (%(window)s); "
                "die Meldung zählt nicht für diese Runde."
            )
            % {"date": _day(update.reporting_date), "round": open_round.title, "window": window}
        )
    if measure.status_date and update.reporting_date < measure.status_date:
        flags.append(
            _(
                "Der Stand dieser Meldung (%(date)s) ist älter als der bereits veröffentlichte (%(published)s); "
                "nach der Veröffentlichung bleibt der neuere Stand der aktuelle."
            )
            % {"date": _day(update.reporting_date), "published": _day(measure.status_date)}
        )
    if measure.planned_start and update.reporting_date < measure.planned_start:
        flags.append(
            _("„Stand vom“ %(date)s liegt vor dem geplanten Beginn der Maßnahme (%(start)s).")
            % {"date": _day(update.reporting_date), "start": _day(measure.planned_start)}
        )
    if measure.status in STATUS_SEQUENCE and update.status in STATUS_SEQUENCE:
        if STATUS_SEQUENCE.index(update.status) < STATUS_SEQUENCE.index(measure.status):
            flags.append(
                _("Der Umsetzungsstand geht zurück: „%(old)s“ → „%(new)s“.")
                % {"old": Status(measure.status).label, "new": Status(update.status).label}
            )
    elif measure.status in (Status.DONE, Status.PERMANENT, Status.DROPPED) and update.status != measure.status:
        flags.append(
            _("Die Maßnahme war als „%(old)s“ veröffentlicht; jetzt wird „%(new)s“ gemeldet.")
            % {"old": Status(measure.status).label, "new": Status(update.status).label}
        )
    if measure.progress is not None and update.progress is not None and update.progress < measure.progress:
        flags.append(
            _("Der Fortschritt sinkt: %(old)s %% → %(new)s %%.") % {"old": measure.progress, "new": update.progress}
        )
    flags.extend(str(problem) for problem in combination_problems(update.status, update.ampel, update.progress))
    return flags


def open_rounds_by_concept() -> dict:
    """Per concept id, its open round with the nearest deadline (as ``workflow.current_round_for`` picks it)."""
    rounds = {}
    for report_round in ReportRound.objects.open().order_by("deadline", "pk"):
        rounds.setdefault(report_round.concept_id, report_round)
    return rounds
