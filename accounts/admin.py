from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import second_factor
from .admin_forms import PersonChangeForm, PersonCreationForm, PersonPasswordForm
from .login_admin import lift_lockouts
from .models import Membership, User
from .oidc.admin import SingleSignOnIdentityInline


class MembershipInline(admin.StackedInline):
    model = Membership
    autocomplete_fields = ["unit"]
    extra = 0
    verbose_name = _("Stelle")
    verbose_name_plural = _("Stellen, für die diese Person berichtet")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline, SingleSignOnIdentityInline]
    add_form = PersonCreationForm
    add_form_template = "admin/accounts/user/add_form.html"
    form = PersonChangeForm
    change_password_form = PersonPasswordForm
    add_fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email")}),
        (_("Rolle und Stellen"), {"fields": ("role", "units")}),
        (_("Passwort"), {"fields": ("usable_password", "password1", "password2")}),
    )
    list_display = ["username", "first_name", "last_name", "email", "is_active", "roles", "has_second_factor"]
    list_filter = ["is_active", "groups", "memberships__unit"]
    # Plain multiple selects: Django's filter_horizontal widget carries invalid ARIA.
    filter_horizontal = []
    actions = ["lift_login_lockout", "reset_second_factor"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "totpdevice_set")

    def get_inlines(self, request, obj):
        # On the add form, the units are chosen together with the role.
        return self.inlines if obj is not None else []

    @admin.display(description=_("Rollen"))
    def roles(self, user):
        return ", ".join(group.name for group in user.groups.all()) or "–"

    @admin.display(description=_("Zweiter Faktor"), boolean=True)
    def has_second_factor(self, user):
        return any(device.confirmed for device in user.totpdevice_set.all())

    @admin.action(description=_("Anmeldesperre der ausgewählten Personen aufheben"))
    def lift_login_lockout(self, request, queryset):
        count = lift_lockouts(request, [user.username for user in queryset])
        self.message_user(
            request,
            ngettext("%(count)d gesperrte Anmeldung aufgehoben.", "%(count)d gesperrte Anmeldungen aufgehoben.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Zweiten Faktor der ausgewählten Personen zurücksetzen"))
    def reset_second_factor(self, request, queryset):
        people = [user for user in queryset if self.has_change_permission(request, user)]
        for user in people:
            second_factor.reset(user)
        self.message_user(
            request,
            ngettext(
                "Zweiter Faktor von %(count)d Person zurückgesetzt; sie richtet ihn bei der nächsten Anmeldung "
                "neu ein.",
                "Zweiter Faktor von %(count)d Personen zurückgesetzt; sie richten ihn bei der nächsten Anmeldung neu "
                "ein.",
                len(people),
            )
            % {"count": len(people)},
            messages.SUCCESS,
        )

    def has_change_permission(self, request, obj=None):
        # The Büro manages people, but not the superusers above it: a Büro member who could set a
        # superuser's password could take over that account. Also closes the password form.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Set by Django itself; the split date/time widget would also leave its time input unlabelled.
        readonly = [*super().get_readonly_fields(request, obj), "last_login", "date_joined"]
        if not request.user.is_superuser:
            # Only a superuser may hand out superuser rights or single permissions;
            # the Büro assigns roles through groups.
            readonly += ["is_superuser", "user_permissions"]
        return readonly


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "created_at"]
    list_filter = ["unit"]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "user__last_name", "unit__name", "unit__short_name"]
    autocomplete_fields = ["user", "unit"]
