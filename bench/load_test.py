"""Load test on loopback: public pages under load while the Büro submits and publishes reports.

    .venv/bin/python bench/load_test.py [--duration 60] [--concurrency 64] [--path /demo/ ...]

Starts gunicorn with production settings (DEBUG off, WhiteNoise, JSON logs) on a free loopback
port against the database in DATABASE_URL (default: the local SQLite file), after migrating it
and (re)building the 50-measure demo concept. Then, for the given time:

- readers: ``--concurrency`` connections request the public pages in PUBLIC_PATHS (plus any
  ``--path``) round robin, each on a new connection as a browser behind the proxy would;
- a writer in a separate process logs in as a Büro account and, through the admin's forms,
  submits a status update for a demo measure and publishes it, one after the other.

Afterwards it checks in the database that every write the server acknowledged is there and
published and that each measure shows its latest published report, and prints requests/s,
latency percentiles, errors and lost writes. Exit status 1 if there were errors or lost writes.
"""

import argparse
import asyncio
import http.client
import multiprocessing
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Public pages that exist on every installation; extend here or with --path.
PUBLIC_PATHS = [
    "/",
    "/en/",
    "/demo/",
    "/demo/massnahmen/",
    "/demo/massnahmen/1.1/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/leichte-sprache/",
]
DEMO_SLUG = "demo"
DEMO_MEASURES = 50
MARKER = "Lasttest"


def server_environment(static_root: str, port: int) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "integration.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": environment.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_STATIC_ROOT": static_root,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
        }
    )
    return environment


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(environment, *arguments):
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, check=True)


def prepare_data(password: str) -> tuple[list[int], date]:
    """The 50-measure demo and a Büro account for the writer.

    Returns the demo measures' ids and the reporting date of the writer's updates.
    """
    from django.contrib.auth.models import Group

    from accounts import roles
    from accounts.models import User
    from measures.demo import generate_demo
    from measures.models import Measure

    concept = generate_demo(measures=DEMO_MEASURES, slug=DEMO_SLUG)
    user, _created = User.objects.get_or_create(username="lasttest-buero", defaults={"is_staff": True})
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=roles.BUERO))
    # The Büro logs in with a second factor; the writer derives the app's key from its password.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.update_or_create(
        user=user, name="Lasttest", defaults={"key": _totp_key(password), "confirmed": True, "last_t": -1}
    )
    # Today: a report may not be dated in the future, and among reports of the same date the one
    # published last is the current status, so each update the writer publishes becomes it.
    reporting_date = date.today()
    return list(Measure.objects.filter(concept=concept).values_list("pk", flat=True)), reporting_date


# --- readers ---------------------------------------------------------------------------------------


async def fetch(port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Accept-Encoding: gzip\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    status_line = data.split(b"\r\n", 1)[0]
    return int(status_line.split()[1]) if status_line.startswith(b"HTTP/") else 0


async def reader_loop(port, paths, offset, deadline, latencies, errors):
    index = offset
    while time.monotonic() < deadline:
        path = paths[index % len(paths)]
        index += 1
        started = time.perf_counter()
        try:
            status = await fetch(port, path)
        except OSError as error:
            errors[f"{path}: {type(error).__name__}"] += 1
            continue
        elapsed = time.perf_counter() - started
        if status == 200:
            latencies[path].append(elapsed)
        else:
            errors[f"{path}: HTTP {status}"] += 1


async def run_readers(port, paths, concurrency, duration):
    latencies, errors = defaultdict(list), Counter()
    deadline = time.monotonic() + duration
    await asyncio.gather(
        *(reader_loop(port, paths, offset, deadline, latencies, errors) for offset in range(concurrency))
    )
    return latencies, errors


# --- writer ------------------------------------------------------------------------------------------


class AdminSession:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, data=None):
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        self.body = response.read().decode(errors="replace")
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers.get("Location", "")


def _totp_key(password: str) -> str:
    return password.encode().hex()[:40]


def writer_process(port, password, measure_ids, reporting_date, duration, results):
    """Submit, then publish, one status update after the other; report what the server acknowledged."""
    from django_otp.oath import TOTP

    session = AdminSession(port)
    session.request("GET", "/anmelden/")
    status, location = session.request(
        "POST", "/anmelden/", {"username": "lasttest-buero", "password": password, "next": "/admin/"}
    )
    if status == 302 and location.startswith("/anmelden/bestaetigen/"):
        code = f"{TOTP(bytes.fromhex(_totp_key(password))).token():06d}"
        status, location = session.request("POST", "/anmelden/bestaetigen/", {"code": code, "next": "/admin/"})
    if status != 302:
        results.put({"acknowledged": [], "failed": [f"login: HTTP {status}"]})
        return
    acknowledged, failed = [], []
    deadline = time.monotonic() + duration
    number = 0
    while time.monotonic() < deadline:
        number += 1
        measure_id = measure_ids[number % len(measure_ids)]
        form = {
            "measure": measure_id,
            "reporting_date": reporting_date.isoformat(),
            "status": "in_umsetzung",
            "ampel": "im_plan",
            "progress": str(number % 101),
            "public_text": f"{MARKER} Nr. {number}",
            "internal_note": "",
            "state": "eingereicht",
        }
        status, location = session.request("POST", "/admin/measures/statusupdate/add/", {**form, "_continue": "1"})
        match = re.search(r"/statusupdate/(\d+)/change/", location)
        if status != 302 or not match:
            failed.append(f"submit {number}: HTTP {status}")
            continue
        update_id = int(match.group(1))
        # As a person would: the change page, whose form carries the version it was opened with.
        session.request("GET", f"/admin/measures/statusupdate/{update_id}/change/")
        version = re.search(r'name="version" value="([^"]*)"', session.body)
        status, _location = session.request(
            "POST",
            f"/admin/measures/statusupdate/{update_id}/change/",
            {**form, "state": "veroeffentlicht", "version": version.group(1) if version else "", "_save": "1"},
        )
        if status != 302:
            failed.append(f"publish {number}: HTTP {status}")
            continue
        acknowledged.append((update_id, measure_id, form["public_text"]))
    results.put({"acknowledged": acknowledged, "failed": failed})


def verify_writes(acknowledged) -> list[str]:
    """Every acknowledged write is in the database, published, and each measure shows its latest one."""
    from measures.choices import UpdateState
    from measures.models import Measure, StatusUpdate

    lost = []
    stored = StatusUpdate.objects.in_bulk([update_id for update_id, _measure, _text in acknowledged])
    latest_by_measure = {}
    for update_id, measure_id, text in acknowledged:
        update = stored.get(update_id)
        if update is None or update.state != UpdateState.PUBLISHED or update.public_text != text:
            lost.append(f"{update_id} ({text})")
        latest_by_measure[measure_id] = update
    for measure in Measure.objects.filter(pk__in=latest_by_measure):
        latest = latest_by_measure[measure.pk]
        if latest is not None and measure.status_justification != latest.public_text:
            lost.append(f"measure {measure.code} shows {measure.status_justification!r}, not {latest.public_text!r}")
    return lost


# --- CPU accounting ------------------------------------------------------------------------------


def _cpu_fields(pid: int) -> list[int]:
    with open(f"/proc/{pid}/stat") as stat:
        # Fields after the command name, which may contain spaces: state is field 3.
        return [int(value) if value.lstrip("-").isdigit() else 0 for value in stat.read().rsplit(")", 1)[1].split()]


def server_cpu_seconds(master: int) -> float:
    """CPU time of gunicorn's master and workers, including workers recycled and reaped (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    fields = _cpu_fields(master)
    total = sum(fields[11:15])  # utime, stime, cutime, cstime of the master
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                worker = _cpu_fields(int(entry.name))
            except OSError:
                continue
            if worker[1] == master:  # parent pid
                total += worker[11] + worker[12]
    return total / ticks


# --- report ------------------------------------------------------------------------------------------


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(latencies, errors, duration, acknowledged, write_failures, lost, concurrency, workers, machine):
    all_latencies = [value for values in latencies.values() for value in values]
    total = len(all_latencies) + sum(errors.values())
    print(f"\nLoad test: {duration:.0f} s, {concurrency} connections, gunicorn with {workers} workers")
    print(
        f"machine: {os.cpu_count()} cores, load average {machine['load_before']:.1f} before, "
        f"{machine['load_after']:.1f} after; CPU used by the server {machine['server_cpu']:.1f} s "
        f"({machine['server_cpu'] / max(total, 1) * 1000:.1f} ms per public request, writes included), "
        f"by this client {machine['client_cpu']:.1f} s"
    )
    print(f"public requests: {total}  ({total / duration:.1f} requests/s)  errors: {sum(errors.values())}")
    if all_latencies:
        p50, p90, p99 = (percentile(all_latencies, fraction) * 1000 for fraction in (0.50, 0.90, 0.99))
        print(
            f"latency all pages: p50 {p50:.0f} ms  p90 {p90:.0f} ms  p99 {p99:.0f} ms  "
            f"max {max(all_latencies) * 1000:.0f} ms  mean {statistics.fmean(all_latencies) * 1000:.0f} ms"
        )
    print(f"{'path':<24}{'requests':>10}{'p50 ms':>9}{'p99 ms':>9}")
    for path, values in sorted(latencies.items()):
        print(
            f"{path:<24}{len(values):>10}{percentile(values, 0.5) * 1000:>9.0f}{percentile(values, 0.99) * 1000:>9.0f}"
        )
    for error, count in errors.most_common():
        print(f"error: {error} × {count}")
    print(
        f"writes (submit + publish through the admin): {len(acknowledged)} acknowledged, "
        f"{len(write_failures)} refused, {len(lost)} lost"
    )
    for line in write_failures[:10] + lost[:10]:
        print(f"  {line}")


def wait_for_server(port: int, log: str) -> None:
    """Until gunicorn answers /healthz (30 s at most)."""
    for _attempt in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn did not start; see {log}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60, help="seconds (default 60)")
    parser.add_argument("--concurrency", type=int, default=64, help="reading connections (default 64)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: 2 × cores + 1)")
    parser.add_argument("--path", action="append", default=[], help="another public path to read (repeatable)")
    options = parser.parse_args()

    port = free_port()
    password = secrets.token_urlsafe(16)
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    environment = server_environment(static_root, port)
    if options.workers:
        environment["WEB_CONCURRENCY"] = str(options.workers)
    workers = int(environment.get("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2 + 1))
    os.environ.update(environment)
    manage(environment, "migrate", "--no-input", "--verbosity", "0")
    manage(environment, "createcachetable")
    manage(environment, "collectstatic", "--no-input", "--verbosity", "0")

    import django
    from django.db import connections

    django.setup()
    measure_ids, reporting_date = prepare_data(password)
    connections.close_all()

    log_dir = ROOT / "bench" / "results"
    log_dir.mkdir(exist_ok=True)
    with (log_dir / "server.log").open("w") as server_log:
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn"))],
            cwd=ROOT,
            env=environment,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_server(port, "bench/results/server.log")

            results = multiprocessing.get_context("spawn").Queue()
            writer = multiprocessing.get_context("spawn").Process(
                target=writer_process, args=(port, password, measure_ids, reporting_date, options.duration, results)
            )
            writer.start()
            load_before = os.getloadavg()[0]
            server_cpu_before = server_cpu_seconds(server.pid)
            client_cpu_before = time.process_time()
            started = time.monotonic()
            latencies, errors = asyncio.run(
                run_readers(port, PUBLIC_PATHS + options.path, options.concurrency, options.duration)
            )
            elapsed = time.monotonic() - started
            machine = {
                "load_before": load_before,
                "load_after": os.getloadavg()[0],
                "server_cpu": server_cpu_seconds(server.pid) - server_cpu_before,
                "client_cpu": time.process_time() - client_cpu_before,
            }
            outcome = results.get(timeout=120)
            writer.join()
        finally:
            server.terminate()
            server.wait(timeout=30)

    lost = verify_writes(outcome["acknowledged"])
    report(
        latencies,
        errors,
        elapsed,
        outcome["acknowledged"],
        outcome["failed"],
        lost,
        options.concurrency,
        workers,
        machine,
    )
    sys.exit(1 if errors or lost or outcome["failed"] else 0)


if __name__ == "__main__":
    main()
