from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

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
    list_display = ["username", "first_name", "last_name", "email", "is_active", "roles"]
    list_filter = ["is_active", "groups", "memberships__unit"]
    # Plain multiple selects: Django's filter_horizontal widget carries invalid ARIA.
    filter_horizontal = []

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("Rollen"))
    def roles(self, user):
        return ", ".join(group.name for group in user.groups.all()) or "–"

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
