"""A unit's side: „Meine Maßnahmen“, a measure, writing, submitting and deleting a report."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ...choices import UpdateState
from ...models import Measure, MeasureResponsibility, Milestone, ReportRound, StatusUpdate
from .. import workbooks
from ..access import get_measure_for_user, get_update_for_user, staff_page
from ..concurrency import version_error, version_token
from ..forms import StatusUpdateForm
from ..milestones import MilestoneTicks
from ..rounds import ROUND_STATES, is_reported, round_state_of
from ..workflow import (
    can_publish,
    current_round_for,
    status_update_delete,
    status_update_review_publish,
    status_update_save,
)


def _my_measures(user):
    return (
        Measure.objects.visible_to(user)
        .select_related("concept", "field_of_action")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=MeasureResponsibility.objects.select_related("unit").lead_first(),
                to_attr="all_responsibilities",
            ),
            Prefetch("status_updates", queryset=StatusUpdate.objects.latest_first(), to_attr="all_updates"),
            Prefetch("milestones", queryset=Milestone.objects.overdue(), to_attr="overdue_milestones"),
        )
        .order_by("concept__title", "sort_key")
    )


def _due_reports(measure, open_rounds, today):
    """The open rounds in which the measure still lacks a submitted report (``ReportRound.period``)."""
    due = []
    for report_round in open_rounds.get(measure.concept_id, []):
        state = round_state_of(measure.all_updates, report_round)
        if not is_reported(state):
            due.append(
                {
                    "round": report_round,
                    "state": state,
                    "state_label": ROUND_STATES[state],
                    "overdue": report_round.deadline < today,
                }
            )
    return due


@staff_page
def my_measures(request):
    today = timezone.localdate()
    open_rounds = {}
    for report_round in ReportRound.objects.open().order_by("deadline"):
        open_rounds.setdefault(report_round.concept_id, []).append(report_round)
    my_unit_ids = set(request.user.units.values_list("pk", flat=True))
    rows = [
        {
            "measure": measure,
            "last_update": measure.all_updates[0] if measure.all_updates else None,
            "returned": [u for u in measure.all_updates if u.state == UpdateState.RETURNED],
            "due": _due_reports(measure, open_rounds, today),
            "my_roles": sorted(
                {str(r.get_role_display()) for r in measure.all_responsibilities if r.unit_id in my_unit_ids}
            ),
        }
        for measure in _my_measures(request.user)
    ]
    concepts = [(concept, list(items)) for concept, items in groupby(rows, key=lambda row: row["measure"].concept)]
    return render(
        request,
        "measures/staff/my_measures.html",
        {"concepts": concepts, "row_count": len(rows), "returned_count": sum(bool(row["returned"]) for row in rows)},
    )


@staff_page
def my_measures_export(request):
    workbook = workbooks.measures_workbook(_my_measures(request.user))
    return workbooks.xlsx_response(workbook, f"meine-massnahmen-{timezone.localdate():%Y-%m-%d}.xlsx")


@staff_page
def measure_detail(request, pk):
    measure = get_measure_for_user(request.user, pk)
    updates = StatusUpdate.objects.visible_to(request.user).filter(measure=measure)
    updates = list(updates.select_related("author", "reviewer").latest_first())
    rounds = list(ReportRound.objects.filter(concept_id=measure.concept_id).order_by("cut_off_date"))
    for update in updates:
        # The round a report counts for, by its „Stand vom“ (see ReportRound.period).
        update.counting_round = next((r for r in rounds if r.cut_off_date >= update.reporting_date), None)
    editable_ids = set(
        StatusUpdate.objects.editable_by(request.user).filter(measure=measure).values_list("pk", flat=True)
    )
    responsibilities = measure.responsibilities.select_related("unit").lead_first()
    return render(
        request,
        "measures/staff/measure_detail.html",
        {
            "measure": measure,
            "updates": updates,
            "editable_ids": editable_ids,
            "responsibilities": responsibilities,
            "current_round": current_round_for(measure),
        },
    )


# The buttons of the report form; "submit" is irreversible and asks for confirmation first.
DRAFT, SUBMIT, PUBLISH, REVISE = "draft", "submit", "publish", "revise"


def _save_update(request, form, update, ticks):
    """Run the workflow for the pressed button; return the response or None if the form has errors."""
    action = request.POST.get("action", DRAFT)
    version = form.cleaned_data.get("version", "")
    try:
        with transaction.atomic():  # "publish" is save and publish, or neither
            status_update_save(update=update, user=request.user, submit=action == SUBMIT, version=version)
            ticks.save(update)  # before publishing, which applies them
            if action == PUBLISH and request.user.is_buero:  # anyone else's "publish" saves a draft
                status_update_review_publish(update=update, reviewer=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return None
    # Said from the state the report is in now, not from the button that was pressed.
    text = {
        UpdateState.DRAFT: _("Die Meldung wurde als Entwurf gespeichert."),
        UpdateState.SUBMITTED: _("Die Meldung wurde zur Prüfung an das Büro eingereicht.")
        if action == SUBMIT
        else _("Die Meldung wurde gespeichert; sie liegt dem Büro weiter zur Prüfung vor."),
        UpdateState.RETURNED: _(
            "Die Meldung wurde gespeichert; sie bleibt zurückgegeben, bis Sie sie erneut zur Prüfung einreichen."
        ),
        UpdateState.PUBLISHED: _("Die Meldung wurde veröffentlicht."),
    }[update.state]
    messages.success(request, text)
    return redirect("staff:measure_detail", pk=update.measure_id)


def _report_form_context(request, form, measure, update, ticks):
    report_round = current_round_for(measure)
    return {
        "form": form,
        "measure": measure,
        "update": update,
        "current_round": report_round,
        "period": report_round.period if report_round else None,
        "can_publish": can_publish(update, request.user),
        "milestone_ticks": ticks,
    }


def _report_form_response(request, measure, update):
    """The report form for GET and POST. "Zur Prüfung einreichen" first shows a confirmation page that
    carries the entries in hidden fields; only its "Ja, einreichen" submits (no JavaScript needed)."""
    action = request.POST.get("action", DRAFT) if request.method == "POST" else None
    ticks = MilestoneTicks(request.POST if request.method == "POST" else None, measure=measure, update=update)
    if request.method == "POST" and action != REVISE:
        # Validated as it will be stored: a submitted or published report needs what a draft may lack.
        submitting = action in (SUBMIT, PUBLISH)
        form = StatusUpdateForm(request.POST, instance=update or StatusUpdate(measure=measure), submitting=submitting)
        if form.is_valid() and ticks.is_valid():
            if action == SUBMIT and request.POST.get("confirmed") != "ja":
                context = _report_form_context(request, form, measure, update, ticks)
                context["carried"] = [
                    (name, value)
                    for name, values in request.POST.lists()
                    if name not in ("csrfmiddlewaretoken", "action", "confirmed")
                    for value in values
                ]
                return render(request, "measures/staff/update_confirm.html", context)
            if response := _save_update(request, form, form.instance, ticks):
                return response
    elif request.method == "POST":  # back from the confirmation page to the form, entries kept
        form = StatusUpdateForm(request.POST, instance=update or StatusUpdate(measure=measure))
    elif update is not None:
        form = StatusUpdateForm(instance=update)
    else:
        report_round = current_round_for(measure)
        today = timezone.localdate()
        initial = {
            # A report in a round describes the cut-off date; before that day, today.
            "reporting_date": min(report_round.cut_off_date, today) if report_round else today,
            "status": measure.status if measure.status_date else None,
            "ampel": measure.ampel,
            "progress": measure.progress,
        }
        form = StatusUpdateForm(instance=StatusUpdate(measure=measure), initial=initial)
    context = _report_form_context(request, form, measure, update, ticks)
    return render(request, "measures/staff/update_form.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def update_create(request, measure_pk):
    measure = get_measure_for_user(request.user, measure_pk)
    return _report_form_response(request, measure, None)


@staff_page
@require_http_methods(["GET", "POST"])
def update_edit(request, pk):
    update = get_update_for_user(request.user, pk, write=True)  # never a published one
    return _report_form_response(request, update.measure, update)


@staff_page
@require_http_methods(["GET", "POST"])
def update_delete(request, pk):
    update = get_update_for_user(request.user, pk, write=True)
    error = None
    if request.method == "POST":
        version = request.POST.get("version", "")
        try:
            if problem := version_error(version):
                raise problem
            status_update_delete(update=update, user=request.user, version=version)
        except ValidationError as exc:
            error = exc.messages[0]
            update = get_update_for_user(request.user, pk, write=True)  # as it is now, with its new version
        else:
            messages.success(request, _("Die Meldung wurde gelöscht."))
            return redirect("staff:measure_detail", pk=update.measure_id)
    return render(
        request,
        "measures/staff/update_delete.html",
        {"update": update, "error": error, "version": version_token(update)},
    )


HISTORY_LIMIT = 200


def _history_entries(records):
    """The newest ``HISTORY_LIMIT`` records with the names of the fields each change touched.

    ``records`` is newest first and holds one record more than is shown, so that the oldest
    shown change can be compared too; each record is compared with the next older record of
    the same object in memory (``record.prev_record`` would cost a query per record).
    """
    records = list(records)
    previous_of, older = {}, {}
    for record in reversed(records):
        previous_of[record.history_id] = older.get(record.id)
        older[record.id] = record
    entries = []
    for record in records[:HISTORY_LIMIT]:
        previous = previous_of[record.history_id]
        changes = []
        if previous is not None and record.history_type == "~":
            changes = [
                str(record.instance._meta.get_field(change.field).verbose_name)
                for change in record.diff_against(previous, excluded_fields={"updated_at", "sort_key"}).changes
            ]
        entries.append({"record": record, "changes": changes})
    return entries


@staff_page
def measure_history(request, pk):
    measure = get_measure_for_user(request.user, pk)
    newest_first = ("-history_date", "-history_id")
    measure_records = measure.history.select_related("history_user").order_by(*newest_first)
    update_records = (
        StatusUpdate.history.filter(measure_id=measure.pk).select_related("history_user").order_by(*newest_first)
    )
    return render(
        request,
        "measures/staff/measure_history.html",
        {
            "measure": measure,
            "measure_entries": _history_entries(measure_records[: HISTORY_LIMIT + 1]),
            "update_entries": _history_entries(update_records[: HISTORY_LIMIT + 1]),
        },
    )
