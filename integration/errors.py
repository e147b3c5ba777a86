"""Error pages: German (or the visitor's language), in the site's layout, saying what happened
and what to do. 403, 404 and 500 use Django's handlers with the templates of the same name;
400 and CSRF failures need views of their own because Django's render without the request
(no layout, no logout), and a 405 has no page at all (see ``middleware.ErrorPageMiddleware``)."""

import logging

from django.http import HttpResponseBadRequest, HttpResponseForbidden
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

PLAIN_400 = (
    '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Fehlerhafte Anfrage</title></head>'
    "<body><h1>Fehlerhafte Anfrage</h1><p>Bitte rufen Sie die Seite noch einmal über einen Link auf.</p></body></html>"
)


def render_error_page(request, template_name, context=None) -> str:
    return render_to_string(template_name, context or {}, request=request)


def bad_request(request, exception):
    try:
        return HttpResponseBadRequest(render_error_page(request, "400.html"))
    except Exception:
        # A request broken enough for a 400 (a forged Host, say) may break the layout too.
        logger.exception("400 page could not be rendered in the site's layout")
        return HttpResponseBadRequest(PLAIN_400)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: an expired form or blocked cookies, explained."""
    return HttpResponseForbidden(render_error_page(request, "403_csrf.html", {"reason": reason}))
