"""The login protection in the Büro's admin: who is locked out, lifting a lock, the login logs."""

from axes.helpers import get_cool_off
from axes.utils import reset
from django.conf import settings
from django.contrib import admin, messages
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import security_log
from .models import Login, LoginAttempt, LoginFailure


def lift_lockouts(request, usernames) -> int:
    """Lift the lock of these user names for every address, and the per-account waiting time."""
    count = 0
    for username in sorted(set(usernames)):
        removed = reset(username=username)
        if removed:
            security_log.record("lockout_lifted", "Anmeldesperre aufgehoben", request=request, username=username)
        count += removed
    return count


class ReadOnlyLogAdmin(admin.ModelAdmin):
    search_fields = ["username", "ip_address"]
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    """One row per user name, address and browser with wrong passwords in the last cool-off period."""

    list_display = ["username", "ip_address", "failures_since_start", "last_failure", "state"]
    search_fields = ["username", "ip_address"]
    fields = ["username", "ip_address", "user_agent", "failures_since_start", "last_failure", "state", "path_info"]
    readonly_fields = fields
    actions = ["lift"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # „Sperre aufheben“ says what deleting means here
        return actions

    @admin.display(description=_("letzter Fehlversuch"), ordering="attempt_time")
    def last_failure(self, attempt):
        return formats.localize(timezone.localtime(attempt.attempt_time))

    @admin.display(description=_("Zustand"))
    def state(self, attempt):
        left = settings.AXES_FAILURE_LIMIT - attempt.failures_since_start
        if left > 0:
            return ngettext("noch %(count)d Versuch", "noch %(count)d Versuche", left) % {"count": left}
        cool_off = get_cool_off()
        if cool_off is None:
            return gettext("gesperrt, bis das Büro die Sperre aufhebt")
        until = timezone.localtime(attempt.attempt_time + cool_off)
        if until <= timezone.localtime():
            return gettext("Sperre abgelaufen")
        return gettext("gesperrt bis %(time)s Uhr") % {"time": formats.time_format(until, "H:i")}

    @admin.action(description=_("Sperre aufheben (für diese Benutzernamen, von allen Adressen)"))
    def lift(self, request, queryset):
        count = lift_lockouts(request, queryset.values_list("username", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)d Eintrag entfernt; die Anmeldung ist wieder frei.",
                "%(count)d Einträge entfernt; die Anmeldung ist wieder frei.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def delete_model(self, request, obj):
        lift_lockouts(request, [obj.username])


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyLogAdmin):
    list_display = ["attempt_time", "username", "ip_address", "locked_out", "user_agent"]
    list_filter = ["locked_out"]
    fields = ["attempt_time", "username", "ip_address", "locked_out", "user_agent", "path_info"]
    readonly_fields = fields


@admin.register(Login)
class LoginAdmin(ReadOnlyLogAdmin):
    list_display = ["attempt_time", "logout_time", "username", "ip_address", "user_agent"]
    fields = ["attempt_time", "logout_time", "username", "ip_address", "user_agent", "path_info"]
    readonly_fields = fields
