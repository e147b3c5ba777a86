"""The shipped nginx configuration with Debian's nginx, in front of a scripted upstream.

The upstream answers with exactly the headers the contract names (Cache-Control of public pages,
a Set-Cookie, "private"), so these tests show what nginx does with each, whatever the application
on this branch sends. tests/operations/test_nginx_application.py puts nginx in front of gunicorn.
"""

import gzip
import json
import shutil
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from tests.operations import nginx as nginx_module
from tests.operations.nginx import Nginx

pytestmark = pytest.mark.skipif(
    not nginx_module.available(), reason="nginx und openssl fehlen (apt-get install nginx openssl; .ci/run tut das)"
)

SHARED_SECONDS = 1
PUBLIC = f"public, max-age=0, must-revalidate, s-maxage={SHARED_SECONDS}"


class Upstream(BaseHTTPRequestHandler):
    """Answers by path; every body carries a counter, so a cached answer shows the old number."""

    counter = 0
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def _answer(self, status=200, headers=(), body=None):
        with Upstream.lock:
            Upstream.counter += 1
            number = Upstream.counter
        self.send_response(status)
        content = body if body is not None else f"Antwort {number}".encode()
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(content)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    def do_GET(self):
        if self.path.startswith("/public"):
            self._answer(headers=[("Cache-Control", PUBLIC)])
        elif self.path.startswith("/sets-cookie"):
            self._answer(headers=[("Cache-Control", PUBLIC), ("Set-Cookie", "sessionid=abc; HttpOnly; Secure")])
        elif self.path.startswith("/private"):
            self._answer(headers=[("Cache-Control", "private, no-cache")])
        elif self.path.startswith("/no-header"):
            self._answer()
        elif self.path.startswith("/echo"):
            self._answer(body=json.dumps(dict(self.headers)).encode())
        else:
            self._answer(status=404)

    do_HEAD = do_GET

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        received = 0
        while received < length:
            received += len(self.rfile.read(min(65536, length - received)))
        self._answer(body=str(received).encode())


@pytest.fixture(scope="module")
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def static_files():
    """A directory like collectstatic's: a hashed name beside the original and its .gz."""
    root = Path(tempfile.mkdtemp(prefix="umsetzungsmonitor-static-"))
    (root / "css").mkdir()
    stylesheet = b"body { color: #1a1a1a; }\n" * 100
    for name in ("site.css", "site.0123456789ab.css"):
        (root / "css" / name).write_bytes(stylesheet)
        (root / "css" / f"{name}.gz").write_bytes(gzip.compress(stylesheet))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def proxy(upstream, static_files):
    server = Nginx(upstream, static_root=static_files)
    try:
        yield server.start()
    finally:
        server.stop()


def test_nginx_accepts_the_shipped_configuration(upstream):
    server = Nginx(upstream)
    try:
        result = server.test_configuration()
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_https_with_http2_offered_by_alpn(proxy):
    assert proxy.negotiated_protocol() == "h2"
    status, _headers, body = proxy.request("GET", "/no-header")
    assert status == 200 and body.startswith(b"Antwort")


def test_plain_http_is_sent_to_https(proxy):
    status, headers, _body = proxy.request("GET", "/demo/?seite=2", https=False)
    assert status == 301
    assert headers["Location"] == "https://localhost/demo/?seite=2"


def test_the_application_learns_scheme_host_and_only_the_real_client_address(proxy):
    """A visitor's own X-Forwarded-For is dropped: the application sees the connecting address."""
    status, _headers, body = proxy.request("GET", "/echo", headers={"X-Forwarded-For": "203.0.113.9"})
    assert status == 200
    received = json.loads(body)
    assert received["X-Forwarded-Proto"] == "https"
    assert received["Host"] == "localhost"
    assert received["X-Forwarded-For"] == "127.0.0.1"


def test_public_page_is_cached_for_s_maxage_then_fetched_again(proxy):
    first = proxy.request("GET", "/public-a")
    second = proxy.request("GET", "/public-a")
    assert first[1]["X-Cache-Status"] == "MISS"
    assert second[1]["X-Cache-Status"] == "HIT"
    assert second[2] == first[2]  # the same answer, the upstream was not asked
    time.sleep(SHARED_SECONDS + 1.1)
    third = proxy.request("GET", "/public-a")
    assert third[1]["X-Cache-Status"] in ("EXPIRED", "MISS")
    assert third[2] != first[2]


def test_request_with_a_session_cookie_is_never_answered_from_the_cache(proxy):
    proxy.request("GET", "/public-b")
    assert proxy.request("GET", "/public-b")[1]["X-Cache-Status"] == "HIT"  # anonymous: cached
    status, headers, body = proxy.request("GET", "/public-b", headers={"Cookie": "sessionid=staff"})
    assert status == 200
    assert headers["X-Cache-Status"] == "BYPASS"
    assert body != proxy.request("GET", "/public-b")[2]  # fresh for the staff member, cache untouched


def test_response_that_sets_a_cookie_is_never_stored(proxy):
    for _ in range(3):
        _status, headers, _body = proxy.request("GET", "/sets-cookie")
        assert headers["X-Cache-Status"] == "MISS"
        assert "sessionid=abc" in headers["Set-Cookie"]


@pytest.mark.parametrize("path", ["/private", "/no-header"])
def test_private_or_unmarked_responses_are_never_stored(proxy, path):
    bodies = {proxy.request("GET", path)[2] for _ in range(3)}
    assert len(bodies) == 3


def test_hashed_static_files_are_immutable_for_a_year_and_sent_compressed(proxy):
    hashed = "/static/css/site.0123456789ab.css"
    status, headers, body = proxy.request("GET", hashed, headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body).startswith(b"body {")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_unhashed_static_files_are_cached_briefly(proxy):
    status, headers, _body = proxy.request("GET", "/static/css/site.css")
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=3600"


def test_request_size_limit_fits_the_import_limit(proxy):
    """A file at the import limit reaches the application (which answers it in German); one far
    above is refused by nginx with a German page before it reaches the application."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    at_limit = b"x" * (limit + 64 * 1024)  # the file plus a form around it
    status, _headers, body = proxy.request("POST", "/upload", body=at_limit)
    assert status == 200 and int(body) == len(at_limit)
    too_large = b"x" * (limit + 2 * 1024 * 1024)
    status, headers, body = proxy.request("POST", "/upload", body=too_large)
    assert status == 413
    assert headers["Content-Type"].startswith("text/html")
    assert "Datei zu groß" in body.decode()
