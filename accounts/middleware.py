"""Staff pages only after the second factor, for everyone who needs one (accounts.second_factor)."""

from django.shortcuts import redirect

from . import second_factor
from .views import second_factor_url

# Pages that a person who has given the password but not yet the code may open.
OPEN_VIEWS = frozenset({"accounts:login", "accounts:logout", "accounts:second_factor", "accounts:second_factor_setup"})
GUARDED_NAMESPACES = frozenset({"admin", "staff", "accounts"})


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: the Büro without a confirmed code, and anyone with an app
    who has not confirmed a code in this session, are sent to confirm (or to set up the app) before
    any page of the admin, the staff pages or the account pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in OPEN_VIEWS:
            return None
        if not GUARDED_NAMESPACES.intersection(match.namespaces):
            return None
        user = request.user
        if not user.is_authenticated or not second_factor.is_required_for(user) or second_factor.is_given(request):
            return None
        return redirect(second_factor_url(user, request.get_full_path()))
