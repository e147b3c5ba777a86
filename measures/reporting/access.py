"""Access helpers for the staff pages, on top of the QuerySet permission methods.

Outsiders get 404 for single objects (whether an id exists is none of their business), and
403 for the Büro's pages; anonymous visitors are sent to the login.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache

from ..models import Measure, StatusUpdate


def _role_page(has_role):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return never_cache(login_required(wrapper))

    return decorator


# Logged-in Büro members and reporters only; never cached.
staff_page = _role_page(lambda user: user.is_buero or user.is_reporter)
# The Büro's pages: review, report rounds, reports.
buero_page = _role_page(lambda user: user.is_buero)


def get_measure_for_user(user, pk) -> Measure:
    return get_object_or_404(Measure.objects.visible_to(user).select_related("concept", "field_of_action"), pk=pk)


def get_update_for_user(user, pk, *, write: bool = False) -> StatusUpdate:
    updates = StatusUpdate.objects.editable_by(user) if write else StatusUpdate.objects.visible_to(user)
    return get_object_or_404(
        updates.select_related("measure__concept", "author", "reviewer", "report_round"),
        pk=pk,
    )
