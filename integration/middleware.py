"""Middleware of the whole site: compression of public responses and the pages of errors
that have none."""

from django.middleware.gzip import GZipMiddleware

from measures.public.cache import COMPRESSIBLE_TYPES

from .errors import render_error_page


def _cache_directives(response) -> set[str]:
    return {part.split("=")[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}


class PublicCompressionMiddleware(GZipMiddleware):
    """Gzip text responses that say ``Cache-Control: public``, and only those.

    Compressing a page that carries a secret (a CSRF token, a session's personal data) next to
    text an attacker can inject lets the attacker read the secret from the compressed length
    (BREACH). Public pages are the same for everybody and carry neither; a response marked
    ``public`` (the public pages without cookies, see ``public_page``) is such a page. Static
    files are compressed ahead of time by WhiteNoise (brotli and gzip) and stream past this.
    """

    def process_response(self, request, response):
        if response.streaming or response.cookies or "public" not in _cache_directives(response):
            return response
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)


ERROR_TEMPLATES = {400: "400.html", 403: "403.html", 405: "405.html"}


class ErrorPageMiddleware:
    """Gives an error response without a body (``require_POST``, ``require_safe``,
    ``HttpResponseForbidden()``) the site's German error page, keeping status and headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        template = ERROR_TEMPLATES.get(response.status_code)
        if template is None or response.streaming or response.content:
            return response
        context = {}
        if response.status_code == 405:
            context["allowed"] = [method.strip() for method in response.get("Allow", "").split(",") if method.strip()]
            context["page_can_be_read"] = "GET" in context["allowed"]
        response.content = render_error_page(request, template, context)
        response["Content-Type"] = "text/html; charset=utf-8"
        return response
