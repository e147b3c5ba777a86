"""Benchmark of the public pages under gunicorn, next to a minimal Django view.

    .venv/bin/python bench/public_pages.py [--duration 10] [--connections 8] [--workers 2]

Needs wrk on the machine (Debian/Ubuntu: ``apt-get install -y wrk``). Uses the database from
DATABASE_URL (PostgreSQL recommended: postgres://user@127.0.0.1:5432/dbname) or, without it, a
fresh SQLite file under bench/. The demo concept is rebuilt there (50, then 5,000 measures);
no other concept is touched. Runs with DJANGO_DEBUG=false and a freshly generated secret key.

It prints requests/s of the minimal view, the dashboard, the list and a detail page with the
50-measure demo and each page's ratio to the minimal view; then the list's median latency at
5,000 measures against 50.
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
PAGES = {
    "minimal view": "/bench-minimal/",
    "dashboard": "/demo/",
    "list": "/demo/massnahmen/",
    "detail": "/demo/massnahmen/2.3/",
}


def environment() -> dict:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}")
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on loopback: in production the TLS proxy in front makes this unnecessary.
        DJANGO_SECURE_SSL_REDIRECT="false",
        PYTHONPATH=str(ROOT),
    )
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


def start_server(env, port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "integration.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench-minimal/", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def check_pages(port: int):
    for path in PAGES.values():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            assert response.status == 200, path


def wrk(port: int, path: str, duration: int, connections: int) -> dict:
    output = subprocess.run(
        ["wrk", "--latency", "-t1", f"-c{connections}", f"-d{duration}s", f"http://127.0.0.1:{port}{path}"],
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
    """Median time of a full render: a fresh query parameter per request misses every cache."""
    times = []
    for number in range(requests):
        started = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}?messung={time.time_ns()}{number}") as response:
            response.read()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (default 10)")
    parser.add_argument("--connections", type=int, default=8, help="open connections (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk fehlt: apt-get install -y wrk")

    env = environment()
    database = env["DATABASE_URL"].split("@")[-1]
    print(
        f"Datenbank: {database} · gunicorn {args.workers} Worker · wrk {args.connections} Verbindungen, "
        f"{args.duration} s je Seite"
    )
    manage(env, "migrate", "--no-input")
    manage(env, "createcachetable")
    # DEBUG is off: pages name hashed static files, which must have been collected.
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    port = free_port()

    generate(env, 50)
    server = start_server(env, port, args.workers)
    try:
        check_pages(port)
        results = {}
        for name, path in PAGES.items():
            wrk(port, path, 2, args.connections)  # warm-up: connections, caches
            results[name] = wrk(port, path, args.duration, args.connections)
        uncached_small = uncached_median_ms(port, PAGES["list"])
        baseline = results["minimal view"]["rate"]
        print("\n50 Maßnahmen:")
        print(f"{'Seite':<14}{'Anfragen/s':>12}{'Verhältnis':>12}{'Median ms':>12}")
        for name, result in results.items():
            print(f"{name:<14}{result['rate']:>12.1f}{result['rate'] / baseline:>11.0%} {result['median_ms']:>11.2f}")

        generate(env, 5000)
        wrk(port, PAGES["list"], 2, args.connections)
        large = wrk(port, PAGES["list"], args.duration, args.connections)
        uncached_large = uncached_median_ms(port, PAGES["list"])
        small = results["list"]
        print("\nListe, Median der Antwortzeit unter Last (wrk):")
        print(f"  50 Maßnahmen:    {small['median_ms']:.2f} ms")
        print(f"  5.000 Maßnahmen: {large['median_ms']:.2f} ms  ({large['rate']:.1f} Anfragen/s)")
        print(f"  Faktor: {large['median_ms'] / small['median_ms']:.2f}")
        print("Liste, Median einer vollständigen Berechnung ohne Cache (einzeln nacheinander):")
        print(f"  50 Maßnahmen:    {uncached_small:.2f} ms")
        print(f"  5.000 Maßnahmen: {uncached_large:.2f} ms")
        print(f"  Faktor: {uncached_large / uncached_small:.2f}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        generate(env, 50)


if __name__ == "__main__":
    main()
