"""Limit per account: password guessing from many addresses slows down, the owner still gets in.

django-axes locks a user name for one address after AXES_FAILURE_LIMIT wrong passwords; an attacker
who rotates addresses never reaches it. So the wrong passwords for one user name are also added up
over all addresses (django-axes' records of the last AXES_COOLOFF_HOURS). From
LOGIN_ACCOUNT_FAILURE_LIMIT on, that user name accepts one password attempt per waiting time, which
doubles with each further wrong password (LOGIN_ACCOUNT_DELAY_SECONDS, at most
LOGIN_ACCOUNT_MAX_DELAY_SECONDS). An attempt during the waiting time is refused without looking at
the password, so the attacker learns nothing and cannot push the waiting time up by flooding.

That alone would let an attacker keep the owner out by sending a wrong password whenever the
waiting time ends. Therefore the waiting time does not apply to an attempt that brings a valid
code of the second factor along with the correct password: the Büro, who always has one, cannot
be kept out; reporters who set one up neither. Such an attempt only succeeds when password and code
are both right, and a wrong one says no more than that one of them is wrong: guessing during the
waiting time means guessing a password and a current code at once. The code is only checked after
a correct password, so that nobody without the password can make the device's own throttling
(django-otp) delay its owner. Lifting the lockout in the admin (deleting the access attempts of the
user name) also ends the waiting time.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


@dataclass(frozen=True)
class AccountGuard:
    failures: int
    retry_at: datetime | None

    @property
    def waiting(self) -> bool:
        return self.retry_at is not None and timezone.now() < self.retry_at


def delay_after(failures: int) -> timedelta | None:
    """Waiting time after ``failures`` wrong passwords for one account, or None below the limit."""
    over = failures - settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    if over < 0:
        return None
    seconds = settings.LOGIN_ACCOUNT_DELAY_SECONDS * 2 ** min(over, 20)
    return timedelta(seconds=min(seconds, settings.LOGIN_ACCOUNT_MAX_DELAY_SECONDS))


def guard_for(username: str, request=None) -> AccountGuard:
    attempts = AccessAttempt.objects.filter(username=username)
    cool_off = get_cool_off(request)
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    summary = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    failures = summary["failures"] or 0
    delay = delay_after(failures)
    if delay is None or summary["last"] is None:
        return AccountGuard(failures, None)
    return AccountGuard(failures, summary["last"] + delay)
