"""Staff pages for indicator values: a unit proposes, the Büro publishes or returns.

Access as on the other staff pages: ``staff_page``/``buero_page`` (login, never cached), 404
for objects outside the person's units.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..choices import UpdateState
from ..indicators.services import ProposalError, proposal_publish, proposal_return, proposal_submit
from ..models import Indicator, IndicatorValue, IndicatorValueProposal
from .access import buero_page, get_measure_for_user, staff_page
from .proposal_forms import ProposalForm, ReviewForm

RECENT_VALUES = 6


def _recent_values(indicator):
    return (
        IndicatorValue.objects.filter(indicator=indicator)
        .select_related("category__dimension")
        .order_by("-reference_date", "category__dimension__name", "category__position")[:RECENT_VALUES]
    )


def _form_page(request, form, proposal):
    return render(
        request,
        "measures/indicators/staff/proposal_form.html",
        {
            "form": form,
            "proposal": proposal if proposal.pk else None,
            "measure": proposal.measure,
            "indicator": proposal.indicator,
            "recent_values": _recent_values(proposal.indicator),
        },
    )


def _submit(request, form):
    try:
        proposal_submit(proposal=form.instance, user=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return None
    messages.success(request, _("Der Wert wurde dem Büro zur Prüfung vorgeschlagen."))
    return redirect("staff:measure_detail", pk=form.instance.measure_id)


@staff_page
@require_http_methods(["GET", "POST"])
def proposal_create(request, measure_pk, indicator_pk):
    measure = get_measure_for_user(request.user, measure_pk)
    indicator = get_object_or_404(
        Indicator.objects.proposable_by(request.user).filter(measures=measure).select_related("concept"),
        pk=indicator_pk,
    )
    form = ProposalForm(request.POST or None, instance=IndicatorValueProposal(indicator=indicator, measure=measure))
    if request.method == "POST" and form.is_valid() and (response := _submit(request, form)):
        return response
    return _form_page(request, form, form.instance)


@staff_page
@require_http_methods(["GET", "POST"])
def proposal_edit(request, pk):
    proposal = get_object_or_404(
        IndicatorValueProposal.objects.editable_by(request.user).select_related("indicator__concept", "measure"), pk=pk
    )
    form = ProposalForm(request.POST or None, instance=proposal)
    if request.method == "POST" and form.is_valid() and (response := _submit(request, form)):
        return response
    return _form_page(request, form, proposal)


@buero_page
@require_http_methods(["GET", "POST"])
def proposal_review(request, pk):
    proposal = get_object_or_404(
        IndicatorValueProposal.objects.visible_to(request.user).select_related(
            "indicator__concept", "measure", "author", "reviewer", "category__dimension"
        ),
        pk=pk,
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        try:
            if action == "publish":
                proposal_publish(proposal=proposal, reviewer=request.user)
                messages.success(request, _("Der Wert wurde veröffentlicht."))
            elif action == "return":
                proposal_return(proposal=proposal, reviewer=request.user, comment=form.cleaned_data["return_comment"])
                messages.success(request, _("Der Vorschlag wurde zurückgegeben; die Stelle wurde benachrichtigt."))
            else:
                raise ProposalError(_("Bitte wählen Sie „Veröffentlichen“ oder „Zurückgeben“."))
        except ValidationError as error:
            form.add_error("return_comment" if action == "return" else None, error)
        else:
            return redirect("staff:review_queue")
    current = IndicatorValue.objects.filter(
        indicator=proposal.indicator, reference_date=proposal.reference_date, category=proposal.category
    ).first()
    return render(
        request,
        "measures/indicators/staff/proposal_review.html",
        {
            "proposal": proposal,
            "form": form,
            "current": current,
            "can_review": proposal.state == UpdateState.SUBMITTED,
        },
    )
