"""Debian's nginx with the shipped configuration (deploy/nginx/umsetzungsmonitor.conf), for tests.

The shipped file is used as it is; only the values a city's IT adapts anyway (ports, host name,
certificate, cache and static directories, gunicorn's address) are replaced, and each of them must
be found, so that the file and the tests cannot drift apart. nginx runs as an unprivileged process
(as ``nobody`` when the tests run as root) on free loopback ports, with a throwaway self-signed
certificate, until the fixture stops it.
"""

import http.client
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from tests.operations.conftest import ROOT
from tests.operations.servers import free_port

CONFIG = ROOT / "deploy" / "nginx" / "umsetzungsmonitor.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HOST = "localhost"

MAIN_CONFIG = """\
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
daemon off;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {work}/access.log;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/umsetzungsmonitor.conf;
}}
"""


def available() -> bool:
    return Path(NGINX).exists() and shutil.which("openssl") is not None


def _unprivileged_user():
    """``nobody`` when running as root (CI), else None: the process keeps the current user."""
    return pwd.getpwnam("nobody") if os.geteuid() == 0 else None


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for localhost and 127.0.0.1."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(  # noqa: S603
        [  # noqa: S607 - Debian's openssl from PATH
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
            "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def render(*, work: Path, https_port: int, http_port: int, upstream: str, static_root: Path) -> str:
    text = CONFIG.read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "server_name umsetzungsmonitor.potsdam.de;": f"server_name {HOST};",
        "server 127.0.0.1:8000;": f"server {upstream};",
        "/etc/ssl/certs/umsetzungsmonitor.pem": str(work / "cert.pem"),
        "/etc/ssl/private/umsetzungsmonitor.key": str(work / "key.pem"),
        "/var/cache/nginx/umsetzungsmonitor": str(work / "cache"),
        "/srv/umsetzungsmonitor/app/staticfiles/": f"{static_root}/",
    }
    for production_value, test_value in replacements.items():
        assert production_value in text, f"{production_value!r} is no longer in {CONFIG.name}"
        text = text.replace(production_value, test_value)
    return text


class Nginx:
    """nginx with the shipped configuration in front of ``upstream`` (host:port)."""

    def __init__(self, upstream: str, static_root: Path | None = None):
        self.work = Path(tempfile.mkdtemp(prefix="umsetzungsmonitor-nginx-"))
        self.https_port, self.http_port = free_port(), free_port()
        make_certificate(self.work)
        self.certificate = self.work / "cert.pem"
        static_root = static_root or self.work / "static"
        static_root.mkdir(exist_ok=True)
        (self.work / "umsetzungsmonitor.conf").write_text(
            render(
                work=self.work,
                https_port=self.https_port,
                http_port=self.http_port,
                upstream=upstream,
                static_root=static_root,
            )
        )
        (self.work / "nginx.conf").write_text(MAIN_CONFIG.format(work=self.work))
        self.user = _unprivileged_user()
        if self.user:
            self.work.chmod(0o755)
            for path in [self.work, *self.work.rglob("*")]:
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        self.process = None

    def command(self, *arguments) -> list[str]:
        work = self.work
        return [NGINX, "-p", str(work), "-e", str(work / "error.log"), "-c", str(work / "nginx.conf"), *arguments]

    def _run_as(self) -> dict:
        return {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []} if self.user else {}

    def test_configuration(self) -> subprocess.CompletedProcess:
        """``nginx -t`` on the rendered configuration."""
        return subprocess.run(self.command("-t"), capture_output=True, text=True, check=False, **self._run_as())  # noqa: S603

    def start(self) -> "Nginx":
        log = (self.work / "stdout.log").open("w")
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, **self._run_as())  # noqa: S603
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not start:\n{self.error_log()}")

    def error_log(self) -> str:
        path = self.work / "error.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.work, ignore_errors=True)

    def tls_context(self, alpn=("http/1.1",)) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.certificate))
        context.set_alpn_protocols(list(alpn))
        return context

    # The interface of tests.operations.servers.Server, so that a Visitor can browse through nginx.
    def connection(self) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection("127.0.0.1", self.https_port, timeout=30, context=self.tls_context())

    def visitor_headers(self) -> dict[str, str]:
        return {"Host": HOST}

    def request(self, method: str, path: str, *, headers=None, body=None, https=True):
        """One request on a new connection; returns (status, headers, body)."""
        plain = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30)
        connection = self.connection() if https else plain
        try:
            connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def negotiated_protocol(self) -> str | None:
        """The application protocol nginx picks by ALPN when a client offers HTTP/2 and 1.1."""
        context = self.tls_context(alpn=("h2", "http/1.1"))
        with (
            socket.create_connection(("127.0.0.1", self.https_port), timeout=10) as raw,
            context.wrap_socket(raw, server_hostname=HOST) as tls,
        ):
            return tls.selected_alpn_protocol()
