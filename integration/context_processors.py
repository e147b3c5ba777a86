from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def language_links(request):
    """The current page in every language of the site, for the language switch."""
    current = get_language()
    return {
        "language_links": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": translate_url(request.path, code),
                "current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ]
    }
