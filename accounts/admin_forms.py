"""The admin's forms for people: a new person with name, role and units in one step; German texts
where Django's own translation has none (its newer password options)."""

from django import forms
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    ReadOnlyPasswordHashField,
    ReadOnlyPasswordHashWidget,
    UserChangeForm,
)
from django.contrib.auth.models import Group
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from measures.models import ResponsibleUnit

from . import roles
from .models import Membership, User

USABLE_PASSWORD_HELP = _(
    "Ob sich die Person mit Benutzername und Passwort anmelden kann. Ohne Passwort bleibt ihr nur eine "
    "andere Anmeldung, etwa über das zentrale Konto der Stadt (Single Sign-On)."
)


def usable_password_field(help_text=USABLE_PASSWORD_HELP):
    """Django's choice „Password-based authentication“, in German."""
    return forms.ChoiceField(
        label=_("Anmeldung mit Passwort"),
        required=False,
        initial="true",
        choices={"true": _("möglich"), "false": _("nicht möglich")},
        widget=forms.RadioSelect(attrs={"class": "radiolist inline"}),
        help_text=help_text,
    )


class PasswordHashWidget(ReadOnlyPasswordHashWidget):
    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        has_password = any(entry.get("value") for entry in context["summary"])
        context["button_label"] = _("Passwort neu setzen") if has_password else _("Passwort setzen")
        return context


class PersonChangeForm(UserChangeForm):
    password = ReadOnlyPasswordHashField(
        label=_("Passwort"),
        widget=PasswordHashWidget,
        help_text=_("Passwörter werden nur verschlüsselt gespeichert; niemand kann sie einsehen."),
    )


class PersonPasswordForm(AdminPasswordChangeForm):
    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        if "usable_password" in self.fields:  # Django adds it here, in English
            self.fields["usable_password"] = usable_password_field(
                format_lazy("{} {}", USABLE_PASSWORD_HELP, _("„nicht möglich“ löscht das bisherige Passwort."))
            )


ROLE_CHOICES = [
    (roles.BUERO, _("Büro – verwaltet alles, auch Personen; meldet sich mit zweitem Faktor an")),
    (roles.REPORTING, _("Berichterstattung – meldet den Stand der Maßnahmen ihrer Stellen")),
]


class PersonCreationForm(AdminUserCreationForm):
    """Without a role a new person could log in but open no page at all."""

    usable_password = usable_password_field()

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
