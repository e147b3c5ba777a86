"""What a person is told about the login lockout: before the last attempt, and when it applies."""

from datetime import timedelta

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import security_log


def duration_text(duration: timedelta) -> str:
    """„1 Stunde“, „30 Minuten“, „1 Stunde und 30 Minuten“."""
    minutes = max(1, round(duration.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d Stunde", "%(count)d Stunden", hours) % {"count": hours})
    if minutes:
        parts.append(ngettext("%(count)d Minute", "%(count)d Minuten", minutes) % {"count": minutes})
    return _(" und ").join(parts)


def cool_off_text(request=None) -> str:
    cool_off = get_cool_off(request)
    return duration_text(cool_off) if cool_off else ""


def locked_until(request, username: str):
    """End of the lock of this user name for this address, or None if it lasts until lifted."""
    cool_off = get_cool_off(request)
    if cool_off is None:
        return None
    last = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).aggregate(
        last=Max("attempt_time")
    )["last"]
    return (last or timezone.now()) + cool_off


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: the German lockout page with how long it lasts."""
    username = get_client_username(request, credentials) or ""
    security_log.record("login_locked", "Anmeldung gesperrt", request=request, username=username)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "duration": cool_off_text(request),
        "locked_until": locked_until(request, username),
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)
