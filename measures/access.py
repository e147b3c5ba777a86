"""Access helpers for the staff pages, on top of the QuerySet permission methods.

Outsiders get 404 for single objects (whether an id exists is none of their business), and
403 for the Büro's pages; anonymous visitors are sent to the login.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache

from .models import Measure, StatusUpdate


def staff_page(view):
    """Logged-in Büro members and reporters only; never cached."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_buero or request.user.is_reporter):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return never_cache(login_required(wrapper))


def buero_page(view):
    """The Büro's pages: review, report rounds, reports."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_buero:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return never_cache(login_required(wrapper))


def get_measure_for_user(user, pk) -> Measure:
    return get_object_or_404(Measure.objects.visible_to(user).select_related("concept", "field_of_action"), pk=pk)


def get_update_for_user(user, pk, *, write: bool = False) -> StatusUpdate:
    updates = StatusUpdate.objects.editable_by(user) if write else StatusUpdate.objects.visible_to(user)
    return get_object_or_404(
        updates.select_related("measure__concept", "author", "reviewer", "report_round"),
        pk=pk,
    )


class BueroOnlyAdminMixin:
    """The admin is the Büro's tool. Reporters use the staff pages, even if someone marks them as staff;
    the queryset is limited by the same permission method as everywhere else."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_module_permission(self, request):
        return _is_buero(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _is_buero(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return _is_buero(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return _is_buero(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_buero(request.user) and super().has_delete_permission(request, obj)


def _is_buero(user) -> bool:
    # AnonymousUser has no role properties.
    return getattr(user, "is_buero", False)
