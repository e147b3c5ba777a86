from django.http import HttpResponse
from django.urls import path

# About the size of the application's dashboard: 20 KB of HTML.
_HEAD = "<!doctype html><html lang='de'><head><meta charset='utf-8'><title>Boden</title></head><body><main>\n"
_TAIL = "</main></body></html>\n"
_LINE = "<p>Eine Zeile Text, wie sie auf einer Seite steht, mit ein paar Wörtern mehr.</p>\n"
PAGE = _HEAD + _LINE * ((20_000 - len(_HEAD) - len(_TAIL)) // len(_LINE.encode())) + _TAIL


def page(request):
    return HttpResponse(PAGE)


urlpatterns = [path("", page)]
