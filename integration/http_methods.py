"""TRACE is answered with 405 on every page.

Function views without a method decorator answer any method as if it were GET, TRACE included.
TRACE has no use on this site and is a classic helper of cross-site tracing, so it is refused
here once instead of on each view.
"""

from django.http import HttpResponseNotAllowed

REFUSED_METHODS = frozenset({"TRACE", "TRACK"})
# What a function view without a decorator accepts; class-based views say it themselves.
_DEFAULT_ALLOWED = ("GET", "HEAD", "POST")


class RefuseTraceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in REFUSED_METHODS:
            return None
        view_class = getattr(view_func, "view_class", None)
        if view_class is not None:
            allowed = [method.upper() for method in view_class.http_method_names if hasattr(view_class, method)]
            allowed = [method for method in allowed if method not in REFUSED_METHODS] or list(_DEFAULT_ALLOWED)
            if "GET" in allowed and "HEAD" not in allowed:
                allowed.insert(allowed.index("GET") + 1, "HEAD")  # View.setup() answers HEAD like GET
        else:
            allowed = list(_DEFAULT_ALLOWED)
        return HttpResponseNotAllowed(allowed)
