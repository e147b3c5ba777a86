"""Milestones in the status report: reporters tick the open milestones of their measure.

A tick is stored with the report (``ReportedMilestone``) and becomes the milestone's done
date when the report is published (``services.milestones_apply_ticks``), like everything
else a report says.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Milestone, ReportedMilestone


class MilestoneTickForm(forms.Form):
    done = forms.BooleanField(required=False)
    done_on = forms.DateField(
        label=_("erledigt am"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leer: der Tag „Stand vom“ der Meldung."),
    )

    def __init__(self, *args, milestone: Milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestone = milestone
        self.fields["done"].label = _("Erledigt: %(title)s (geplant bis %(date)s)") % {
            "title": milestone.title,
            "date": milestone.planned_on.strftime("%d.%m.%Y"),
        }
        # Each date field named after its milestone, so that a screen reader tells them apart.
        self.fields["done_on"].label = _("„%(title)s“ erledigt am") % {"title": milestone.title}

    def clean_done_on(self):
        done_on = self.cleaned_data.get("done_on")
        if done_on and done_on > timezone.localdate():
            raise forms.ValidationError(_("„erledigt am“ darf nicht in der Zukunft liegen."))
        return done_on


class MilestoneTicks:
    """One small form per open milestone of the measure, each under its own prefix."""

    def __init__(self, data, *, measure, update=None):
        ticks = {tick.milestone_id: tick for tick in update.milestone_ticks.all()} if update and update.pk else {}
        self.forms = [
            MilestoneTickForm(
                data,
                prefix=f"meilenstein-{milestone.pk}",
                milestone=milestone,
                initial={
                    "done": milestone.pk in ticks,
                    "done_on": ticks[milestone.pk].done_on if milestone.pk in ticks else None,
                },
            )
            for milestone in Milestone.objects.filter(measure=measure, done_on__isnull=True)
        ]

    def __iter__(self):
        return iter(self.forms)

    def __bool__(self):
        return bool(self.forms)

    def is_valid(self) -> bool:
        results = [form.is_valid() for form in self.forms]  # every form validated, so each shows its errors
        return all(results)

    def save(self, update) -> None:
        """Store the ticks with ``update`` (which has been saved)."""
        for form in self.forms:
            if form.cleaned_data.get("done"):
                done_on = form.cleaned_data.get("done_on") or min(update.reporting_date, timezone.localdate())
                ReportedMilestone.objects.update_or_create(
                    update=update, milestone=form.milestone, defaults={"done_on": done_on}
                )
            else:
                ReportedMilestone.objects.filter(update=update, milestone=form.milestone).delete()
