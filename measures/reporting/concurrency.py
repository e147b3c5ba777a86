"""Refuse the second of two concurrent edits instead of silently overwriting the first.

A form opened for an object carries the object's ``updated_at`` as a hidden version. When it
is saved and the stored ``updated_at`` differs, somebody else saved in between: the form is
refused with a German message naming who changed what (from the object's history, whose
records keep ``updated_at`` and so identify the version the form was opened with).
"""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def version_token(instance) -> str:
    return instance.updated_at.isoformat() if instance.pk and instance.updated_at else ""


def _display(instance, field_name, value):
    field = instance._meta.get_field(field_name)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value)) if value not in (None, "") else "–"
    if value in (None, ""):
        return "–"
    if isinstance(value, datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if hasattr(value, "isoformat"):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def describe_changes(model, pk, since: datetime) -> list[str]:
    """Human-readable changes to the object since the version saved at ``since``, newest state."""
    history = model.history.filter(id=pk)
    old = history.filter(updated_at=since).order_by("-history_date").first()
    new = history.order_by("-history_date", "-history_id").select_related("history_user").first()
    if new is None:
        return []
    who = str(new.history_user) if new.history_user else _("unbekannt")
    when = formats.date_format(new.history_date, "SHORT_DATETIME_FORMAT")
    lines = [_("Zuletzt gespeichert von %(who)s am %(when)s.") % {"who": who, "when": when}]
    if old is None:
        return lines
    ignored = {"updated_at", "sort_key"}
    delta = new.diff_against(old, excluded_fields=ignored)
    for change in delta.changes:
        field = model._meta.get_field(change.field)
        if field.many_to_many:
            lines.append(_("„%(field)s“ wurde geändert.") % {"field": field.verbose_name})
            continue
        lines.append(
            _("„%(field)s“: vorher „%(old)s“, jetzt „%(new)s“.")
            % {
                "field": field.verbose_name,
                "old": _display(new.instance, change.field, change.old),
                "new": _display(new.instance, change.field, change.new),
            }
        )
    return lines


def check_version(instance, token: str) -> None:
    """Raise a ValidationError if the stored object changed since the form was opened with ``token``."""
    if instance.pk is None or not token:
        return
    opened = parse_datetime(token)
    stored = type(instance)._default_manager.filter(pk=instance.pk).values_list("updated_at", flat=True).first()
    if stored is None:
        raise ValidationError(_("Dieser Eintrag wurde inzwischen gelöscht."), code="conflict")
    if opened == stored:
        return
    changes = describe_changes(type(instance), instance.pk, opened)
    raise ValidationError(
        [
            _(
                "Dieser Eintrag wurde geändert, seit Sie das Formular geöffnet haben. Ihre Änderungen wurden "
                "nicht gespeichert, damit nichts überschrieben wird. Laden Sie die Seite neu, um den aktuellen "
                "Stand zu sehen, oder speichern Sie erneut, um ihn bewusst durch Ihre Eingaben zu ersetzen."
            ),
            *changes,
        ],
        code="conflict",
    )


class VersionedFormMixin(forms.Form):
    """For ModelForms: a hidden version field and the conflict check in ``clean()``."""

    version = forms.CharField(widget=forms.HiddenInput, required=False, label=gettext_lazy("Version"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version_token(self.instance)

    def clean(self):
        cleaned_data = super().clean()
        try:
            check_version(self.instance, self.cleaned_data.get("version", ""))
        except ValidationError:
            # The re-shown form carries the current version: having seen what changed, the
            # person may now save their version deliberately, or reload the page.
            stored = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
            if stored is not None:
                self.data = self.data.copy()
                self.data[self.add_prefix("version")] = version_token(stored)
            raise
        return cleaned_data
