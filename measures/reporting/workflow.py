"""The reporting workflow: draft → submitted → published, or returned to the reporting unit.

Every transition is a service ``status_update_<verb>(*, ...)`` under ``transaction.atomic``.
It checks who may do it and from which state, records the acting person for the history
(``_history_user``, so that the history has an author also outside a request) and refuses
anything else with a German message. The staff pages and the Büro's admin both call these
services; nothing else changes a report's state.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..choices import UpdateState
from ..models import Measure, ReportRound, StatusUpdate, editable_states
from ..services import measure_sync_current_status, milestones_apply_ticks
from .concurrency import check_version


class WorkflowError(ValidationError):
    """A transition that the update's state does not allow."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise WorkflowError(message)


def _lock(update: StatusUpdate, version: str = "") -> StatusUpdate:
    """The update's row, locked until the transaction ends, so that two people cannot both act on it.

    With the ``version`` a form was opened with, a change made since then is refused (see concurrency.py);
    checked again here, under the lock, because the form's own check runs before it.
    """
    locked = StatusUpdate.objects.select_for_update(of=("self",)).select_related("measure", "author").get(pk=update.pk)
    check_version(locked, version)
    return locked


def current_round_for(measure: Measure) -> ReportRound | None:
    """The open report round of the measure's concept with the nearest deadline, if any."""
    return ReportRound.objects.open().filter(concept_id=measure.concept_id).order_by("deadline", "pk").first()


@transaction.atomic
def status_update_save(*, update: StatusUpdate, user, submit: bool = False, version: str = "") -> StatusUpdate:
    """Save a new or changed report as draft, or submit it for review.

    Reporters may only save updates of measures they report on and only while the update
    is a draft or was returned; the Büro may save any update that is not yet published.
    """
    _require(Measure.objects.editable_by(user).filter(pk=update.measure_id).exists(), _("Keine Berechtigung."))
    stored = None
    if update.pk is not None:
        stored = _lock(update, version)
        _require(
            stored.state in editable_states(user),
            _("Diese Meldung ist %(state)s und kann nicht mehr geändert werden.")
            % {"state": stored.get_state_display()},
        )
    else:
        update.author = user
        update.state = UpdateState.DRAFT
    if update.report_round_id is None:
        # Also when a draft written before the round opened is saved or submitted now.
        update.report_round = current_round_for(update.measure)
    if submit:
        _require(can_submit(stored, user), UNIT_SUBMITS)
        update.state = UpdateState.SUBMITTED
        update.submitted_at = timezone.now()
    update.full_clean()
    update._history_user = user
    update.save()
    return update


@transaction.atomic
def status_update_return(*, update: StatusUpdate, reviewer, comment: str, version: str = "") -> StatusUpdate:
    """Send a submitted report back to its unit with a comment; its author is e-mailed."""
    if not reviewer.is_buero:
        raise PermissionDenied
    update = _lock(update, version)
    _require(update.state == UpdateState.SUBMITTED, _("Nur eingereichte Meldungen können zurückgegeben werden."))
    _require(bool(comment.strip()), _("Bitte schreiben Sie, was geändert werden soll."))
    update.state = UpdateState.RETURNED
    update.reviewer = reviewer
    update.return_comment = comment.strip()
    update._history_user = reviewer
    update.save()
    notify_returned(update)
    return update


def notify_returned(update: StatusUpdate) -> None:
    """E-mail the author of a returned report once the transaction has committed."""
    if update.author and update.author.email:
        transaction.on_commit(lambda: _mail_returned(update))


def _mail_returned(update: StatusUpdate) -> None:
    # In the site's language, not in the one the Büro member happened to use.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "update": update,
            "measure": update.measure,
            "url": settings.SITE_URL + reverse("staff:update_edit", args=[update.pk]),
        }
        send_mail(
            subject=_("Sachstandsmeldung zu Maßnahme %(code)s zurückgegeben") % {"code": update.measure.code},
            message=render_to_string("measures/staff/email/returned.txt", context),
            from_email=None,
            recipient_list=[update.author.email],
        )


UNIT_SUBMITS = gettext_lazy(
    "Diese Meldung reicht die Stelle selbst ein; das Büro prüft sie, sobald sie eingereicht ist."
)


def can_submit(update: StatusUpdate | None, user) -> bool:
    """Whether ``user`` may hand ``update`` (None: a new one ``user`` is writing) to the Büro.

    A unit's report is submitted by the unit: the Büro submits only its own reports, so that it
    cannot release a unit's draft on the unit's behalf and then publish it.
    """
    if update is None or not user.is_buero:
        return True
    return update.author is not None and update.author.is_buero


def can_publish(update: StatusUpdate | None, user) -> bool:
    """Whether ``user`` may publish ``update`` (None: a new update ``user`` is about to write).

    The Büro publishes submitted reports and its own drafts; a unit's draft is the unit's
    until the unit submits it.
    """
    if not user.is_buero:
        return False
    if update is None or update.state == UpdateState.SUBMITTED:
        return True
    return update.state == UpdateState.DRAFT and update.author is not None and update.author.is_buero


@transaction.atomic
def status_update_review_publish(*, update: StatusUpdate, reviewer, version: str = "") -> StatusUpdate:
    """Publish a submitted report, or one of the Büro's own drafts directly."""
    if not reviewer.is_buero:
        raise PermissionDenied
    update = _lock(update, version)
    _require(
        update.state in (UpdateState.SUBMITTED, UpdateState.DRAFT),
        _("Diese Meldung ist %(state)s und kann nicht veröffentlicht werden.") % {"state": update.get_state_display()},
    )
    _require(
        can_publish(update, reviewer),
        _("Dieser Entwurf gehört der Stelle; das Büro kann ihn veröffentlichen, sobald die Stelle ihn einreicht."),
    )
    update._history_user = reviewer
    update.measure._history_user = reviewer
    update.state = UpdateState.PUBLISHED
    update.reviewer = reviewer
    update.published_at = timezone.now()
    update.full_clean()
    update.save()
    measure_sync_current_status(measure=update.measure)
    milestones_apply_ticks(update=update)
    return update


@transaction.atomic
def status_update_delete(*, update: StatusUpdate, user, version: str = "") -> None:
    """Delete a report that was never published: reporters their drafts, the Büro any unpublished one.

    With the ``version`` the confirmation page was opened with, a report changed since then is kept.
    """
    _require(StatusUpdate.objects.visible_to(user).filter(pk=update.pk).exists(), _("Keine Berechtigung."))
    update = _lock(update, version)
    _require(update.state != UpdateState.PUBLISHED, _("Veröffentlichte Meldungen werden nicht gelöscht."))
    _require(
        update.state in editable_states(user),
        _("Diese Meldung ist %(state)s und kann nicht mehr gelöscht werden.") % {"state": update.get_state_display()},
    )
    measure = update.measure
    update._history_user = measure._history_user = user
    update.delete()
    measure_sync_current_status(measure=measure)


def transition_problems(*, stored: StatusUpdate | None, state: str, user, comment: str = "") -> dict:
    """Why ``user`` cannot move a report from its ``stored`` state (None: a new report) to ``state``,
    as ``{field: message}``; empty when the workflow allows it. The admin's forms show these
    messages; ``status_update_change`` checks them again under the row lock."""
    if not user.is_buero:
        return {"state": _("Keine Berechtigung.")}
    current = stored.state if stored is not None else None
    if state == current:
        return {}
    if current == UpdateState.PUBLISHED:
        return {"state": _("Eine veröffentlichte Meldung bleibt veröffentlicht.")}
    if state == UpdateState.SUBMITTED and not can_submit(stored, user):
        return {"state": UNIT_SUBMITS}
    if state == UpdateState.RETURNED:
        if current != UpdateState.SUBMITTED:
            return {"state": _("Nur eingereichte Meldungen können zurückgegeben werden.")}
        if not comment.strip():
            return {"return_comment": _("Bitte schreiben Sie, was geändert werden soll.")}
    if state == UpdateState.PUBLISHED and not can_publish(stored, user):
        if current == UpdateState.RETURNED:
            return {
                "state": _("Eine zurückgegebene Meldung wird veröffentlicht, sobald die Stelle sie erneut einreicht.")
            }
        return {
            "state": _(
                "Dieser Entwurf gehört der Stelle; das Büro kann ihn veröffentlichen, sobald die Stelle ihn einreicht."
            )
        }
    if state == UpdateState.DRAFT and current is not None:
        return {
            "state": _("Eine Meldung im Bearbeitungsstand „%(state)s“ wird nicht wieder zum Entwurf.")
            % {"state": stored.get_state_display()}
        }
    return {}


@transaction.atomic
def status_update_change(
    *, update: StatusUpdate, user, state: str, comment: str = "", version: str = ""
) -> StatusUpdate:
    """Save a report as edited by the Büro in the admin and move it to ``state`` through the
    transitions above: save or submit, then publish or return. A published report stays
    published; its text may be corrected, and the measure's current status follows."""
    stored = _lock(update, version) if update.pk is not None else None
    problems = transition_problems(stored=stored, state=state, user=user, comment=comment)
    if problems:
        raise WorkflowError(problems)
    if stored is not None and stored.state == UpdateState.PUBLISHED:
        return _correct_published(update=update, user=user)
    update.state = stored.state if stored is not None else UpdateState.DRAFT
    status_update_save(update=update, user=user, submit=state == UpdateState.SUBMITTED)
    if state == UpdateState.PUBLISHED:
        return status_update_review_publish(update=update, reviewer=user)
    if state == UpdateState.RETURNED and update.state != UpdateState.RETURNED:
        return status_update_return(update=update, reviewer=user, comment=comment)
    return update


def _correct_published(*, update: StatusUpdate, user) -> StatusUpdate:
    update.state = UpdateState.PUBLISHED
    update.full_clean()
    update._history_user = update.measure._history_user = user
    update.save()
    measure_sync_current_status(measure=update.measure)
    return update
