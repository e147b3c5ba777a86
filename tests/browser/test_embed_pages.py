"""Embeds in real Chromium: accessible at 320 and 390 px without JavaScript, and framed by the city's
website only when its origin is on the allow-list."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from measures.demo import generate_demo
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

EMBEDS = ["/demo/einbetten/", "/demo/handlungsfelder/2/einbetten/", "/demo/massnahmen/1.2/einbetten/"]


@pytest.fixture
def demo(db):
    return generate_demo(measures=12)


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("path", EMBEDS)
def test_embed_has_no_axe_violations_and_no_script(page, demo, path, width):
    page.set_viewport_size({"width": width, "height": 700})
    scripts = []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)
    response = page.goto(path)
    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # reflows, no sideways scrolling
    assert scripts == []
    assert axe_violations(page) == []


class CityWebsite(BaseHTTPRequestHandler):
    """The city's page with the README's iframe snippet, served from another loopback origin."""

    embed_url = ""

    def log_message(self, *args):
        pass

    def do_GET(self):
        snippet = f'<iframe src="{self.embed_url}" title="Stand der Umsetzung" width="600" height="500"></iframe>'
        head = "<!doctype html><html lang='de'><head><title>Stadt</title></head>"
        body = f"{head}<body><main>{snippet}</main></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())


@pytest.fixture
def city_website():
    server = ThreadingHTTPServer(("127.0.0.1", 0), CityWebsite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _city_page_with(page, live_server, city_website, path):
    CityWebsite.embed_url = f"{live_server.url}{path}"
    page.goto(f"{city_website}/integration/")
    return page.frames[1]


def test_city_website_on_the_allow_list_shows_the_embed(page, demo, live_server, city_website, settings):
    settings.EMBED_FRAME_ANCESTORS = [city_website]
    frame = _city_page_with(page, live_server, city_website, "/demo/massnahmen/1.2/einbetten/")
    assert "1.2" in frame.locator("h1").inner_text()


def test_browser_refuses_the_embed_on_a_site_not_on_the_allow_list(page, demo, live_server, city_website, settings):
    settings.EMBED_FRAME_ANCESTORS = ["https://www.potsdam.de"]
    frame = _city_page_with(page, live_server, city_website, "/demo/massnahmen/1.2/einbetten/")
    assert "einbetten" not in frame.url  # empty, or Chromium's "is blocked" page instead of ours
    assert "1.2" not in frame.locator("body").inner_text()
