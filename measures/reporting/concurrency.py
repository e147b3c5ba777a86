"""Refuse the second of two concurrent edits instead of silently overwriting the first.

A form opened for an object carries the object's ``updated_at`` as a hidden version. When it
is saved and the stored ``updated_at`` differs, somebody else saved in between: the form is
refused with a German message naming who changed what (from the object's history, whose
records keep ``updated_at`` and so identify the version the form was opened with).

A form for an existing object without a version, or with one that is not a timestamp (a tampered
or truncated request), saves nothing: it would otherwise skip the check or end in a server error.
"""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def version_token(instance) -> str:
    return instance.updated_at.isoformat() if instance.pk and instance.updated_at else ""


def _parse_version(token: str) -> datetime | None:
    try:
        return parse_datetime(token)
    except ValueError:  # well-formed but impossible, e.g. 2026-13-45T25:61:00
        return None


def version_error(token: str | None) -> ValidationError | None:
    """Why a form for an existing object cannot be saved with ``token`` as its version, or None."""
    if not token:
        return ValidationError(
            _(
                "Das Formular kam ohne Versionsangabe an; es wurde nichts gespeichert. Bitte laden Sie die Seite "
                "neu und speichern Sie erneut."
            ),
            code="version_missing",
        )
    if _parse_version(token) is None:
        return ValidationError(
            _(
                "Die Versionsangabe des Formulars ist ungültig; es wurde nichts gespeichert. Bitte laden Sie die "
                "Seite neu und speichern Sie erneut."
            ),
            code="version_invalid",
        )
    return None


def display_value(field, value) -> str:
    """A stored value as people read it: choices by label, dates in German, nothing as „–“.

    Shared by the conflict message here and the admin's history pages.
    """
    if value is None or value == "" or getattr(value, "pk", "") is None:  # also a deleted related object
        return "–"
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("ja") if value else _("nein"))
    if isinstance(value, datetime):
        return formats.date_format(
            timezone.localtime(value) if timezone.is_aware(value) else value, "SHORT_DATETIME_FORMAT"
        )
    if hasattr(value, "isoformat"):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _display(instance, field_name, value):
    return display_value(instance._meta.get_field(field_name), value)


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
    """Raise a ValidationError if the stored object changed since the form was opened with ``token``.

    An empty ``token`` means no check: services called from code rather than from a form pass none.
    Forms require one (``VersionedFormMixin``, ``version_error``).
    """
    if instance.pk is None or not token:
        return
    opened = _parse_version(token)
    if opened is None:
        raise version_error(token)
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
            token = self.cleaned_data.get("version", "")
            if self.instance.pk is not None and (error := version_error(token)):
                raise error
            check_version(self.instance, token)
        except ValidationError:
            # The re-shown form carries the current version: having seen what changed, the
            # person may now save their version deliberately, or reload the page.
            stored = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
            if stored is not None:
                self.data = self.data.copy()
                self.data[self.add_prefix("version")] = version_token(stored)
            raise
        return cleaned_data
