"""Benchmark of the public pages against two floors, measured side by side in one run.

    .venv/bin/python bench/public_pages.py [--duration 10] [--rounds 3]

- the bare floor: a Django application with only SecurityMiddleware and CommonMiddleware and one
  view returning a 20 KB HTML page (bench/floor/);
- the stack floor: the same 20 KB page from a view behind the project's whole middleware stack
  (bench/urls.py, /bench-minimal/);
- the dashboard, the measure list and a measure page of the 50-measure demo concept, with the
  default database cache, as an anonymous visitor (no cookies) sees them: once as wrk asks for
  them (no Accept-Encoding) and once as a browser does (gzip accepted).

Each is served by gunicorn with the same command line (2 sync workers, no configuration file)
and loaded with the same wrk settings (-t2 -c16). The targets take turns, round after round, so
that a busy machine slows all of them alike; the median of the rounds is reported with each
page's share of the bare floor. Needs wrk (Debian: apt-get install wrk). Uses DATABASE_URL
(default: a fresh SQLite file under bench/), DEBUG off and a fresh secret key. Afterwards the
list's median latency with 5,000 measures is set against 50.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO_PAGES = {"dashboard": "/demo/", "list": "/demo/massnahmen/", "detail": "/demo/massnahmen/2.3/"}


def app_environment() -> dict:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}")
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on loopback: in production the TLS proxy in front makes this unnecessary.
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def floor_environment() -> dict:
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="bench.floor.settings", PYTHONPATH=str(ROOT))
    return env


def manage(env, *args):
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


ANALYZE = "import django; django.setup(); from django.db import connection; connection.cursor().execute('ANALYZE')"


def generate(env, measures: int):
    manage(env, "generate_demo", "--measures", str(measures))
    # Fresh planner statistics, as autovacuum keeps them in production.
    subprocess.run([PYTHON, "-c", ANALYZE], env=env, cwd=ROOT, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env, application: str, probe: str) -> tuple[subprocess.Popen, int]:
    """gunicorn with the same command line for every target; no configuration file is read."""
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            application,
            "--config",
            "/dev/null",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=2) as response:
                assert response.status == 200
            return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"gunicorn did not start: {application}")


def wrk(port: int, path: str, duration: int, headers=()) -> dict:
    header_args = [argument for header in headers for argument in ("-H", header)]
    output = subprocess.run(
        ["wrk", "--latency", "-t2", "-c16", *header_args, f"-d{duration}s", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    median = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}[median.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{path}: {errors.group(1)} failed responses\n{output}")
    return {"rate": rate, "median_ms": float(median.group(1)) * factor}


def uncached_median_ms(port: int, path: str, requests: int = 40) -> float:
    """Median time of a full render: an unknown query parameter is answered but never kept."""
    times = []
    for number in range(requests):
        started = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}?messung={time.time_ns()}{number}") as response:
            response.read()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per target and round (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, targets taking turns (default 3)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk fehlt: apt-get install -y wrk")

    env = app_environment()
    database = env["DATABASE_URL"].split("@")[-1]
    print(f"Datenbank: {database} · gunicorn 2 sync-Worker · wrk -t2 -c16, {args.duration} s je Ziel und Runde")
    manage(env, "migrate", "--no-input")
    manage(env, "createcachetable")
    # DEBUG is off: pages name hashed static files, which must have been collected.
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    generate(env, 50)

    floor, floor_port = start_gunicorn(floor_environment(), "bench.floor.wsgi:application", "/")
    app, app_port = start_gunicorn(env, "integration.wsgi:application", "/bench-minimal/")
    # As wrk sends them (no Accept-Encoding), and as browsers do (gzip accepted): the floor sends
    # its 20 KB page plain either way; the application sends kept pages compressed to browsers.
    browser = ("Accept-Encoding: gzip, deflate, br",)
    targets = {
        "Boden (nur Django)": (floor_port, "/", ()),
        "Boden (ganzer Stack)": (app_port, "/bench-minimal/", ()),
        **{name: (app_port, path, ()) for name, path in DEMO_PAGES.items()},
        **{f"{name}, gzip": (app_port, path, browser) for name, path in DEMO_PAGES.items()},
    }
    try:
        for port, path, headers in targets.values():
            wrk(port, path, 2, headers)  # warm-up: connections, the kept pages
        results = {name: [] for name in targets}
        for _round in range(args.rounds):
            for name, (port, path, headers) in targets.items():
                results[name].append(wrk(port, path, args.duration, headers))
        floor_rate = statistics.median(result["rate"] for result in results["Boden (nur Django)"])
        print(f"\n50 Maßnahmen, Median aus {args.rounds} Runden:")
        print(f"{'Ziel':<22}{'Anfragen/s':>12}{'Anteil am Boden':>17}{'Median ms':>11}   Runden (Anfragen/s)")
        for name, runs in results.items():
            rate = statistics.median(run["rate"] for run in runs)
            median_ms = statistics.median(run["median_ms"] for run in runs)
            each = ", ".join(f"{run['rate']:.0f}" for run in runs)
            print(f"{name:<22}{rate:>12.1f}{rate / floor_rate:>16.0%} {median_ms:>10.2f}   {each}")

        uncached_small = uncached_median_ms(app_port, DEMO_PAGES["list"])
        small = statistics.median(run["median_ms"] for run in results["list"])
        generate(env, 5000)
        wrk(app_port, DEMO_PAGES["list"], 2)
        large = wrk(app_port, DEMO_PAGES["list"], args.duration)
        uncached_large = uncached_median_ms(app_port, DEMO_PAGES["list"])
        print("\nListe, Median der Antwortzeit unter Last (wrk):")
        print(f"  50 Maßnahmen:    {small:.2f} ms")
        print(f"  5.000 Maßnahmen: {large['median_ms']:.2f} ms  ({large['rate']:.1f} Anfragen/s)")
        print("Liste, Median einer vollständigen Berechnung ohne Seiten-Cache (einzeln nacheinander):")
        print(f"  50 Maßnahmen:    {uncached_small:.2f} ms")
        print(f"  5.000 Maßnahmen: {uncached_large:.2f} ms  (Faktor {uncached_large / uncached_small:.2f})")
    finally:
        for server in (floor, app):
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        generate(env, 50)


if __name__ == "__main__":
    main()
