"""The public pages through the shipped nginx configuration, beside the bare-Django floor.

    .venv/bin/python bench/through_nginx.py [--duration 10] [--pages /demo/ …]

In one run, on this machine: gunicorn with 2 sync workers serves the bare floor (bench/floor/:
Security and Common middleware, one 20 KB page) and, separately, the application under production
settings with the 50-measure demo; Debian's nginx with deploy/nginx/umsetzungsmonitor.conf (TLS,
HTTP/2 offered, micro-cache) stands in front of the application. wrk (-t2 -c16) loads the floor, each
page straight from gunicorn and each page through nginx over HTTPS. Printed: requests/s, median and
p99 latency, the share of the floor, and how nginx's cache answered (X-Cache-Status of a sample).

Needs nginx, openssl and wrk (Debian: apt-get install -y nginx openssl wrk). Uses DATABASE_URL or,
without it, a fresh SQLite file under bench/; only the demo concept is rebuilt there.
"""

import argparse
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.operations.nginx import Nginx  # noqa: E402 - the helper the proxy tests use
from tests.operations.servers import free_port  # noqa: E402

PYTHON = sys.executable
PAGES = ["/demo/", "/demo/massnahmen/", "/demo/massnahmen/2.3/"]
WORKERS = 2


def environment(static_root: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}")
    env.update(
        DJANGO_SETTINGS_MODULE="integration.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="localhost,127.0.0.1",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto:https",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_FORMAT="text",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env, *args):
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def gunicorn(env, port: int, application: str) -> subprocess.Popen:
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", application, "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
         "--log-level", "warning"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,  # the access log of gunicorn.conf.py, the same for floor and application
    )  # fmt: skip
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except urllib.error.HTTPError:
            return server  # the floor has no /healthz: any HTTP answer means it is up
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"gunicorn ({application}) did not start")


def wrk(url: str, duration: int, headers=()) -> dict:
    command = ["wrk", "--latency", "-t2", "-c16", f"-d{duration}s", url]
    for header in headers:
        command[1:1] = ["-H", header]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if errors := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        raise SystemExit(f"{url}: {errors.group(1)} failed responses\n{output}")

    def milliseconds(label):
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return {"rate": rate, "p50": milliseconds("50%"), "p99": milliseconds("99%")}


def cache_status(proxy: Nginx, path: str) -> str:
    statuses = [proxy.request("GET", path)[1].get("X-Cache-Status", "–") for _ in range(3)]
    return "/".join(statuses)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement (default 10)")
    parser.add_argument("--pages", nargs="+", default=PAGES)
    args = parser.parse_args()
    for tool in ("wrk", "nginx", "openssl"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"{tool} fehlt: apt-get install -y {tool}")

    static_root = Path(tempfile.mkdtemp(prefix="umsetzungsmonitor-static-"))
    static_root.chmod(0o755)
    env = environment(static_root)
    manage(env, "migrate", "--no-input")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    manage(env, "generate_demo", "--measures", "50")

    floor_port, app_port = free_port(), free_port()
    floor_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.floor.settings"}
    floor = gunicorn(floor_env, floor_port, "django.core.wsgi:get_wsgi_application()")
    application = gunicorn(env, app_port, "integration.wsgi:application")
    proxy = Nginx(f"127.0.0.1:{app_port}", static_root=static_root).start()
    try:
        load = os.getloadavg()[0]
        print(f"Datenbank: {env['DATABASE_URL'].split('@')[-1]} · gunicorn {WORKERS} sync-Worker · "
              f"wrk -t2 -c16, {args.duration} s je Messung · Last zu Beginn {load:.1f}")  # fmt: skip
        results = {"Boden (bench/floor, direkt)": wrk(f"http://127.0.0.1:{floor_port}/", args.duration)}
        floor_rate = results["Boden (bench/floor, direkt)"]["rate"]
        statuses = {}
        for path in args.pages:
            direct = f"http://127.0.0.1:{app_port}{path}"
            wrk(direct, 2, headers=["X-Forwarded-Proto: https"])  # warm-up
            results[f"{path} direkt"] = wrk(direct, args.duration, headers=["X-Forwarded-Proto: https"])
            through = f"https://127.0.0.1:{proxy.https_port}{path}"
            wrk(through, 2)
            results[f"{path} über nginx (HTTPS)"] = wrk(through, args.duration)
            statuses[path] = cache_status(proxy, path)
        print(f"\n{'Messung':<42}{'Anfr./s':>10}{'Anteil':>9}{'p50 ms':>9}{'p99 ms':>9}")
        for name, result in results.items():
            share = result["rate"] / floor_rate
            print(f"{name:<42}{result['rate']:>10.1f}{share:>8.0%} {result['p50']:>8.2f}{result['p99']:>9.2f}")
        print("\nX-Cache-Status von nginx (drei Aufrufe je Seite):")
        for path, status in statuses.items():
            print(f"  {path}: {status}")
        print(f"Last am Ende {os.getloadavg()[0]:.1f}; TLS: {ssl.OPENSSL_VERSION}")
    finally:
        proxy.stop()
        for server in (application, floor):
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
