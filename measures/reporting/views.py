"""Staff pages: reporters report on their measures, the Büro reviews, publishes and reports.

Every page goes through ``staff_page``/``buero_page`` (login, never cached) and every object
through the QuerySet permission methods or the access helpers in ``access.py``.
"""

from collections import Counter
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..choices import Role, UpdateState
from ..models import Measure, MeasureResponsibility, Milestone, ReportRound, StatusUpdate
from . import workbooks
from .access import buero_page, get_measure_for_user, get_update_for_user, staff_page
from .concurrency import version_token
from .forms import ReviewForm, StatusUpdateForm
from .milestones import MilestoneTicks
from .rounds import ROUND_STATES, is_reported, report_for, round_overview, round_state
from .workflow import (
    WorkflowError,
    can_publish,
    current_round_for,
    status_update_delete,
    status_update_return,
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
    """The open rounds in which the measure still lacks a submitted report."""
    due = []
    for report_round in open_rounds.get(measure.concept_id, []):
        state = round_state([u for u in measure.all_updates if u.report_round_id == report_round.pk])
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
            "due": _due_reports(measure, open_rounds, today),
            "my_roles": sorted(
                {str(r.get_role_display()) for r in measure.all_responsibilities if r.unit_id in my_unit_ids}
            ),
        }
        for measure in _my_measures(request.user)
    ]
    concepts = [(concept, list(items)) for concept, items in groupby(rows, key=lambda row: row["measure"].concept)]
    return render(request, "measures/staff/my_measures.html", {"concepts": concepts, "row_count": len(rows)})


@staff_page
def measure_detail(request, pk):
    measure = get_measure_for_user(request.user, pk)
    updates = StatusUpdate.objects.visible_to(request.user).filter(measure=measure)
    updates = updates.select_related("author", "reviewer", "report_round").latest_first()
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


def _save_update(request, form, update, ticks=None):
    """Run the workflow for the pressed button; return the response or None if the form has errors."""
    action = request.POST.get("action", "draft")
    version = form.cleaned_data.get("version", "")
    try:
        with transaction.atomic():  # "publish" is save and publish, or neither
            status_update_save(update=update, user=request.user, submit=action == "submit", version=version)
            if ticks is not None:
                ticks.save(update)  # before publishing, which applies them
            if action == "publish" and request.user.is_buero:  # anyone else's "publish" saves a draft
                status_update_review_publish(update=update, reviewer=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return None
    # Said from the state the report is in now, not from the button that was pressed.
    text = {
        UpdateState.DRAFT: _("Die Meldung wurde als Entwurf gespeichert."),
        UpdateState.SUBMITTED: _("Die Meldung wurde zur Prüfung an das Büro eingereicht.")
        if action == "submit"
        else _("Die Meldung wurde gespeichert; sie liegt dem Büro weiter zur Prüfung vor."),
        UpdateState.RETURNED: _(
            "Die Meldung wurde gespeichert; sie bleibt zurückgegeben, bis Sie sie erneut zur Prüfung einreichen."
        ),
        UpdateState.PUBLISHED: _("Die Meldung wurde veröffentlicht."),
    }[update.state]
    messages.success(request, text)
    return redirect("staff:measure_detail", pk=update.measure_id)


def _update_form_page(request, form, measure, update, report_round, ticks=None):
    return render(
        request,
        "measures/staff/update_form.html",
        {
            "form": form,
            "measure": measure,
            "update": update,
            "current_round": report_round,
            "can_publish": can_publish(update, request.user),
            "milestone_ticks": ticks,
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def update_create(request, measure_pk):
    measure = get_measure_for_user(request.user, measure_pk)
    report_round = current_round_for(measure)
    update = StatusUpdate(measure=measure, report_round=report_round)
    ticks = MilestoneTicks(request.POST if request.method == "POST" else None, measure=measure)
    if request.method == "POST":
        form = StatusUpdateForm(request.POST, instance=update)
        if form.is_valid() and ticks.is_valid() and (response := _save_update(request, form, form.instance, ticks)):
            return response
    else:
        initial = {
            "reporting_date": report_round.cut_off_date if report_round else timezone.localdate(),
            "status": measure.status if measure.status_date else None,
            "ampel": measure.ampel,
            "progress": measure.progress,
        }
        form = StatusUpdateForm(instance=update, initial=initial)
    return _update_form_page(request, form, measure, None, report_round, ticks)


@staff_page
@require_http_methods(["GET", "POST"])
def update_edit(request, pk):
    update = get_update_for_user(request.user, pk, write=True)  # never a published one
    form = StatusUpdateForm(request.POST or None, instance=update)
    ticks = MilestoneTicks(request.POST or None, measure=update.measure, update=update)
    valid = request.method == "POST" and form.is_valid() and ticks.is_valid()
    if valid and (response := _save_update(request, form, form.instance, ticks)):
        return response
    return _update_form_page(request, form, update.measure, update, current_round_for(update.measure), ticks)


@staff_page
@require_http_methods(["GET", "POST"])
def update_delete(request, pk):
    update = get_update_for_user(request.user, pk, write=True)
    error = None
    if request.method == "POST":
        try:
            status_update_delete(update=update, user=request.user, version=request.POST.get("version", ""))
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


@staff_page
def my_measures_export(request):
    workbook = workbooks.measures_workbook(_my_measures(request.user))
    return workbooks.xlsx_response(workbook, f"meine-massnahmen-{timezone.localdate():%Y-%m-%d}.xlsx")


@buero_page
def review_queue(request):
    updates = (
        StatusUpdate.objects.visible_to(request.user)
        .filter(state=UpdateState.SUBMITTED)
        .select_related("measure__concept", "author", "report_round")
        .order_by("submitted_at", "pk")
    )
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
    leads = [r.unit for r in update.measure.responsibilities.select_related("unit") if r.role == Role.LEAD]
    return render(
        request,
        "measures/staff/review_detail.html",
        {"update": update, "form": form, "leads": leads, "can_publish": can_publish(update, request.user)},
    )


@buero_page
def round_list(request):
    rounds = ReportRound.objects.select_related("concept").order_by("-cut_off_date")
    return render(request, "measures/staff/round_list.html", {"rounds": rounds})


@buero_page
def round_detail(request, pk):
    report_round = get_object_or_404(ReportRound.objects.select_related("concept"), pk=pk)
    overviews = round_overview(report_round)
    # A measure with several lead units is listed under each of them but counted once.
    state_of = {row["measure"].pk: row["state"] for overview in overviews for row in overview.rows}
    counts = Counter(state_of.values())
    return render(
        request,
        "measures/staff/round_detail.html",
        {
            "round": report_round,
            "overviews": overviews,
            "counts": [(label, counts[state]) for state, label in ROUND_STATES.items()],
            "overdue": report_round.deadline < timezone.localdate() and not report_round.closed,
        },
    )


@buero_page
def round_report(request, pk):
    report_round = get_object_or_404(ReportRound.objects.select_related("concept"), pk=pk)
    return render(
        request,
        "measures/staff/round_report.html",
        {"report": report_for(report_round), "round": report_round},
    )


@buero_page
def round_report_xlsx(request, pk) -> HttpResponse:
    report_round = get_object_or_404(ReportRound.objects.select_related("concept"), pk=pk)
    workbook = workbooks.report_workbook(report_for(report_round))
    return workbooks.xlsx_response(workbook, f"sachstandsbericht-{report_round.cut_off_date:%Y-%m-%d}.xlsx")
