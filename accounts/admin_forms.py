"""The admin's form for a new person: name, role and units in one step."""

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from measures.models import ResponsibleUnit

from . import roles
from .models import Membership, User

ROLE_CHOICES = [
    (roles.BUERO, _("Büro – verwaltet alles, auch Personen; meldet sich mit zweitem Faktor an")),
    (roles.REPORTING, _("Berichterstattung – meldet den Stand der Maßnahmen ihrer Stellen")),
]


class PersonCreationForm(AdminUserCreationForm):
    """Without a role a new person could log in but open no page at all."""

    role = forms.ChoiceField(
        label=_("Rolle"),
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie eine Rolle: Büro oder Berichterstattung.")},
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Stellen, für die diese Person berichtet"),
        queryset=ResponsibleUnit.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Pflicht für die Berichterstattung; mehrere mit gedrückter Strg-Taste (Mac: Befehlstaste)."),
    )

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email")

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("role") == roles.REPORTING and not cleaned_data.get("units"):
            self.add_error(
                "units",
                _("Wer berichtet, braucht mindestens eine Stelle: Sie sieht nur die Maßnahmen ihrer Stellen."),
            )
        return cleaned_data

    def save(self, commit=True):
        # The admin is the Büro's tool; reporters work on the staff pages only.
        self.instance.is_staff = self.cleaned_data["role"] == roles.BUERO
        return super().save(commit)

    def _save_m2m(self):
        super()._save_m2m()
        user = self.instance
        user.groups.add(Group.objects.get(name=self.cleaned_data["role"]))
        for unit in self.cleaned_data.get("units") or ():
            Membership.objects.get_or_create(user=user, unit=unit)
