"""Status and Ampel shown the same way on every public page: symbol plus label, never colour alone."""

from django import template

from ..choices import AMPEL_ICONS, STATUS_ICONS, Ampel, Status

register = template.Library()


@register.inclusion_tag("measures/public/includes/badge.html")
def status_badge(value):
    status = Status(value)
    return {"kind": "status", "value": status.value, "label": status.label, "icon": STATUS_ICONS[status]}


@register.inclusion_tag("measures/public/includes/badge.html")
def ampel_badge(value):
    ampel = Ampel(value)
    return {"kind": "ampel", "value": ampel.value, "label": ampel.label, "icon": AMPEL_ICONS[ampel]}


@register.filter
def ampel_definition(value):
    return Ampel(value).definition
