"""The Büro's review: submitted reports with their flags, publish or return."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ...choices import Role, UpdateState
from ...models import StatusUpdate
from ..access import buero_page, get_update_for_user
from ..flags import open_rounds_by_concept, review_flags
from ..forms import ReviewForm
from ..workflow import WorkflowError, can_publish, status_update_return, status_update_review_publish


@buero_page
def review_queue(request):
    updates = list(
        StatusUpdate.objects.visible_to(request.user)
        .filter(state=UpdateState.SUBMITTED)
        .select_related("measure__concept", "author")
        .order_by("submitted_at", "pk")
    )
    open_rounds = open_rounds_by_concept()
    for update in updates:
        update.flags = review_flags(update, open_round=open_rounds.get(update.measure.concept_id))
    return render(request, "measures/staff/review_queue.html", {"updates": updates})


@buero_page
@require_http_methods(["GET", "POST"])
def review_detail(request, pk):
    update = get_update_for_user(request.user, pk)
    form = ReviewForm(request.POST or None, instance=update)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        version = form.cleaned_data.get("version", "")
        try:
            if action == "publish":
                status_update_review_publish(update=update, reviewer=request.user, version=version)
                messages.success(request, _("Die Meldung wurde veröffentlicht."))
            elif action == "return":
                status_update_return(
                    update=update, reviewer=request.user, comment=form.cleaned_data["return_comment"], version=version
                )
                messages.success(request, _("Die Meldung wurde zurückgegeben; die Stelle wurde benachrichtigt."))
            else:
                raise WorkflowError(_("Bitte wählen Sie „Veröffentlichen“ oder „Zurückgeben“."))
        except ValidationError as error:
            form.add_error("return_comment" if action == "return" else None, error)
        else:
            return redirect("staff:review_queue")
    leads = update.measure.units_of_role(Role.LEAD, update.measure.responsibilities.select_related("unit"))
    open_round = open_rounds_by_concept().get(update.measure.concept_id)
    return render(
        request,
        "measures/staff/review_detail.html",
        {
            "update": update,
            "form": form,
            "leads": leads,
            "flags": review_flags(update, open_round=open_round),
            "can_publish": can_publish(update, request.user),
        },
    )
