"""Units propose indicator values; the Büro publishes them or returns them, as with reports.

Each transition is a service ``proposal_<verb>(*, ...)`` under ``transaction.atomic``: it
checks who may do it and from which state, locks the row and refuses anything else with a
German message. Publishing writes the value through the core's ``indicator_value_write``,
the same function the spreadsheet import uses.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..choices import UpdateState
from ..models import Indicator, IndicatorValueProposal, Measure
from ..services import indicator_value_write


class ProposalError(ValidationError):
    """A transition the proposal's state or the person's role does not allow."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ProposalError(message)


def may_propose(user, measure: Measure, indicator: Indicator) -> bool:
    """Whether ``user`` may propose values for ``indicator`` through ``measure``."""
    return (
        Measure.objects.visible_to(user).filter(pk=measure.pk).exists()
        and Indicator.objects.proposable_by(user).filter(pk=indicator.pk).exists()
        and indicator.measures.filter(pk=measure.pk).exists()
    )


def _lock(proposal: IndicatorValueProposal) -> IndicatorValueProposal:
    return (
        IndicatorValueProposal.objects.select_for_update(of=("self",))
        .select_related("indicator__concept", "measure", "author", "category")
        .get(pk=proposal.pk)
    )


@transaction.atomic
def proposal_submit(*, proposal: IndicatorValueProposal, user) -> IndicatorValueProposal:
    """Submit a new proposal, or a returned one again after changing it."""
    _require(may_propose(user, proposal.measure, proposal.indicator), _("Keine Berechtigung."))
    if proposal.pk is None:
        proposal.author = user
    else:
        stored = _lock(proposal)
        _require(
            stored.state == UpdateState.RETURNED,
            _("Dieser Vorschlag ist %(state)s und kann nicht mehr geändert werden.")
            % {"state": stored.get_state_display()},
        )
    proposal.state = UpdateState.SUBMITTED
    proposal.submitted_at = timezone.now()
    proposal.full_clean()
    proposal._history_user = user
    proposal.save()
    return proposal


@transaction.atomic
def proposal_publish(*, proposal: IndicatorValueProposal, reviewer) -> IndicatorValueProposal:
    """Write the proposed value (new, or replacing the value of that date and group) and publish it."""
    if not reviewer.is_buero:
        raise PermissionDenied
    proposal = _lock(proposal)
    _require(
        proposal.state == UpdateState.SUBMITTED,
        _("Dieser Vorschlag ist %(state)s und kann nicht veröffentlicht werden.")
        % {"state": proposal.get_state_display()},
    )
    written = indicator_value_write(
        indicator=proposal.indicator,
        reference_date=proposal.reference_date,
        category=proposal.category,
        value=proposal.value,
        period_label=proposal.period_label,
        case_count=proposal.case_count,
        note=proposal.note,
        provisional=proposal.provisional,
        user=reviewer,
        reason=_("Vorschlag Nr. %(number)s der Maßnahme %(code)s")
        % {"number": proposal.pk, "code": proposal.measure.code},
    )
    proposal.state = UpdateState.PUBLISHED
    proposal.reviewer = reviewer
    proposal.reviewed_at = timezone.now()
    proposal.published_value = written.value
    proposal._history_user = reviewer
    proposal.save()
    return proposal


@transaction.atomic
def proposal_return(*, proposal: IndicatorValueProposal, reviewer, comment: str) -> IndicatorValueProposal:
    """Send a proposal back to its unit with a comment; its author is e-mailed."""
    if not reviewer.is_buero:
        raise PermissionDenied
    proposal = _lock(proposal)
    _require(proposal.state == UpdateState.SUBMITTED, _("Nur eingereichte Vorschläge können zurückgegeben werden."))
    _require(bool(comment.strip()), _("Bitte schreiben Sie, was geändert werden soll."))
    proposal.state = UpdateState.RETURNED
    proposal.reviewer = reviewer
    proposal.reviewed_at = timezone.now()
    proposal.return_comment = comment.strip()
    proposal._history_user = reviewer
    proposal.save()
    if proposal.author and proposal.author.email:
        transaction.on_commit(lambda: _mail_returned(proposal))
    return proposal


def _mail_returned(proposal: IndicatorValueProposal) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "proposal": proposal,
            "url": settings.SITE_URL + reverse("staff:indicator_proposal_edit", args=[proposal.pk]),
        }
        send_mail(
            subject=_("Vorgeschlagener Wert für „%(indicator)s“ zurückgegeben")
            % {"indicator": proposal.indicator.name},
            message=render_to_string("measures/indicators/email/proposal_returned.txt", context),
            from_email=None,
            recipient_list=[proposal.author.email],
        )
