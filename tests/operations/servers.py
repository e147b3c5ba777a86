"""Application servers for tests: real gunicorn processes with production settings, and a small
HTTP client that plays browser and TLS-terminating proxy at once."""

import http.client
import re
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from tests.operations.conftest import ROOT, clean_environment

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, environment: dict[str, str], log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        self._log = log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [GUNICORN],
            cwd=ROOT,
            env=clean_environment(**environment, GUNICORN_BIND=f"127.0.0.1:{self.port}"),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_healthy()

    def _wait_until_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not become healthy:\n{self.log_path.read_text()}")

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def visitor_headers(self) -> dict[str, str]:
        """What reaches gunicorn from a browser through the HTTPS proxy."""
        return {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https"}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Visitor:
    """One person's browser: keeps cookies across servers, sends what the HTTPS proxy would add."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, server: Server, method: str, path: str, data=None, headers=None) -> Response:
        """``server``: a gunicorn Server, or anything with the same two methods (nginx)."""
        sent = {**server.visitor_headers(), **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"https://{sent['Host']}"
        connection = server.connection()
        connection.request(method, path, body=body, headers=sent)
        raw = connection.getresponse()
        response = Response(raw.status, raw.headers, raw.read())
        connection.close()
        for header in raw.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, server: Server, path: str, **kwargs) -> Response:
        return self.request(server, "GET", path, **kwargs)

    def post(self, server: Server, path: str, data: dict) -> Response:
        return self.request(server, "POST", path, data={"csrfmiddlewaretoken": self.cookies["csrftoken"], **data})

    def log_in(self, server: Server, username: str, password: str, next_url: str = "/admin/") -> None:
        """The login form, then the code of the person's authenticator app if they have one."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tests.second_factor import current_code

        self.get(server, "/anmelden/")
        response = self.post(server, "/anmelden/", {"username": username, "password": password, "next": next_url})
        assert response.status == 302, response.text[:2000]
        if response.headers["Location"].startswith("/anmelden/bestaetigen/"):
            device = TOTPDevice.objects.get(user__username=username, confirmed=True)
            response = self.post(server, "/anmelden/bestaetigen/", {"code": current_code(device), "next": next_url})
            assert response.status == 302 and response.headers["Location"] == next_url, response.text[:2000]
        assert "sessionid" in self.cookies


def changelist_status(response: Response, code: str) -> str:
    """The status shown for the measure ``code`` in the admin's measure list."""
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*>{re.escape(code)}<(?:(?!</tr>).)*</tr>", response.text, re.S)
    assert row, response.text[:3000]
    status = re.search(r'<td class="field-status">([^<]*)</td>', row.group(0))
    assert status, row.group(0)
    return status.group(1)
