from django.conf import settings
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, override


def _language_url(path: str, code: str) -> str:
    """The page at ``path`` in language ``code``; that language's start page when ``path`` is not
    one of the site's pages.

    Only a path that resolves is translated: on a 404 the path is whatever the visitor (or a
    link from elsewhere) sent, e.g. ``//evil.example/x`` or ``/\\evil.example/``, which a
    browser reads as another site's address.
    """
    try:
        resolve(path)
    except Resolver404:
        with override(code):
            return reverse("home")
    url = translate_url(path, code)
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        with override(code):
            return reverse("home")
    return url


def language_links(request):
    """The current page in every language of the site, for the language switch."""
    current = get_language()
    return {
        "language_links": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": _language_url(request.path_info, code) if code != current else request.path,
                "current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ]
    }


def content_language(request):
    """``lang_de``: the attribute that marks German content (the data, the legal pages) on pages
    in another language, so that screen readers pronounce it as German. Empty on German pages."""
    return {"lang_de": "" if get_language() == "de" else mark_safe(' lang="de"')}
