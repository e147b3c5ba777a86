"""Fault run on loopback: public pages under load while people write, a worker killed, connections cut.

    .venv/bin/python bench/fault_run.py [--duration 60] [--connections 64] [--workers 2]

Starts gunicorn with gunicorn.conf.py (production settings, ``--workers`` sync workers) and the
task worker (``manage.py db_worker``, which runs the import's preview and confirm) against the
PostgreSQL database in DATABASE_URL (default: postgres://postgres@127.0.0.1:5432/monitor_faults,
created if missing), after migrating it and rebuilding the 50-measure demo concept and a second
demo concept "stoerungslauf" for the import. Then, for ``--duration`` seconds:

- readers: ``--connections`` connections ask for the public pages of bench/load_test.py round
  robin, each request on a new connection, every request logged with its start, end and status;
- writers (bench/fault_clients.py): a reporter submits reports through the report form, the Büro
  publishes them on its review pages, a second Büro account imports a file in the admin, one
  round after the other (upload, preview, confirm in the background, result page);
- faults, at a quarter, half and three quarters of the time: one gunicorn worker gets SIGKILL
  (the master starts a new one), then twice every database connection of the application is
  ended (``pg_terminate_backend``): the web workers', the task worker's, mid-import if one runs.

Afterwards, in the database: every write a client saw acknowledged is there exactly once, no write
is there twice, a failed import wrote nothing. Per fault: the requests that failed (all must have
been in flight at the fault) and when every public page answered 200 again (target: within 2 s).
Exit status 1 if a target is missed.
"""

import argparse
import asyncio
import itertools
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fault_clients import prepare_data, run_writers, verify_writes  # noqa: E402
from bench.load_test import (  # noqa: E402
    PUBLIC_PATHS,
    fetch,
    free_port,
    manage,
    server_environment,
    wait_for_server,
)

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/monitor_faults"
RECOVERY_TARGET = 2.0  # seconds from a fault until every public page answers 200 again


# --- data ---------------------------------------------------------------------------------------------


def ensure_database(url: str) -> str:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    return name


# --- faults ---------------------------------------------------------------------------------------------


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return sorted(pids)


def terminate_connections(url: str, database: str) -> int:
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        return connection.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        ).fetchone()[0]


async def inject_faults(plan, started, master, url, database, workers, faults):
    for at, kind in plan:
        await asyncio.sleep(max(0.0, started + at - time.monotonic()))
        fault = {"kind": kind}
        if kind == "kill":
            before = worker_pids(master)
            fault["t0"], fault["wall"] = time.monotonic(), time.time()
            os.kill(before[0], signal.SIGKILL)
            fault["t1"] = time.monotonic()
            fault["detail"] = f"Worker {before[0]}"
            while time.monotonic() < fault["t0"] + 30:  # the master starts a new one
                now = worker_pids(master)
                if len(now) == workers and before[0] not in now:
                    fault["detail"] += f" ersetzt durch {sorted(set(now) - set(before))} nach "
                    fault["detail"] += f"{time.monotonic() - fault['t0']:.2f} s"
                    break
                await asyncio.sleep(0.02)
        else:
            fault["t0"], fault["wall"] = time.monotonic(), time.time()
            ended = await asyncio.to_thread(terminate_connections, url, database)
            fault["t1"] = time.monotonic()
            fault["detail"] = f"{ended} Verbindungen beendet"
        faults.append(fault)


# --- readers ----------------------------------------------------------------------------------------------


async def reader_loop(port, paths, offset, deadline, log):
    index = offset
    while time.monotonic() < deadline:
        path = paths[index % len(paths)]
        index += 1
        started = time.monotonic()
        try:
            status = await asyncio.wait_for(fetch(port, path), 30)
        except (TimeoutError, OSError) as error:
            status = type(error).__name__
        log.append(("reader", "GET", path, status, started, time.monotonic()))


async def load_and_faults(port, connections, duration, fault_plan, master, url, database, workers):
    log, faults = [], []
    started = time.monotonic()
    await asyncio.gather(
        *(reader_loop(port, PUBLIC_PATHS, offset, started + duration, log) for offset in range(connections)),
        inject_faults(fault_plan, started, master, url, database, workers, faults),
    )
    return started, log, faults


# --- analysis -------------------------------------------------------------------------------------------


def failed(entry) -> bool:
    who, _method, _path, status, _start, _end = entry
    if not isinstance(status, int) or status == 0 or status >= 500:
        return True
    return who == "reader" and status != 200


def per_fault(faults, log, started):
    """For each fault: the failed requests in flight at it, those begun after it (before the next
    fault), and per public page the time from the fault until it answered 200 after its last failure."""
    errors = [e for e in log if failed(e)]
    result = []
    for number, fault in enumerate(faults):
        window_end = faults[number + 1]["t0"] if number + 1 < len(faults) else float("inf")
        in_flight = [e for e in errors if e[4] <= fault["t1"] and e[5] >= fault["t0"]]
        # Begun after this fault and not in flight at the next one.
        after = [e for e in errors if fault["t1"] < e[4] and e[5] < window_end]
        recovery = {}
        for path in PUBLIC_PATHS:
            mine = [e for e in log if e[0] == "reader" and e[2] == path]
            last_error = max((e[5] for e in in_flight + after if e[0] == "reader" and e[2] == path), default=0)
            begun = max(last_error, fault["t1"])
            answered = [e[5] for e in mine if e[4] >= begun and not failed(e)]
            recovery[path] = (min(answered) - fault["t0"]) if answered else float("inf")
        result.append(
            {**fault, "at": fault["t0"] - started, "in_flight": in_flight, "after": after, "recovery": recovery}
        )
    return result


def server_gaps(faults, access_log: Path) -> None:
    """Per fault, from gunicorn's access log: the longest pause without a 200 answer to a public page
    in the 5 s after the fault (the readers' figures add the wait in the queue in front of the workers)."""
    from datetime import datetime

    answers = sorted(
        datetime.fromisoformat(entry["time"]).timestamp()
        for entry in map(json.loads, filter(lambda line: '"gunicorn.access"' in line, access_log.open()))
        if entry["status"] == "200" and entry["path"] in PUBLIC_PATHS
    )
    for fault in faults:
        ends = [fault["wall"], *(end for end in answers if fault["wall"] < end < fault["wall"] + 5)]
        fault["server"] = max((b - a for a, b in itertools.pairwise(ends)), default=float("inf"))


def _percentiles(values) -> str:
    values = sorted(values)
    if not values:
        return "–"
    return f"p50 {values[len(values) // 2] * 1000:.0f} ms, p99 {values[int(len(values) * 0.99)] * 1000:.0f} ms"


def _line(entry, t0) -> str:
    who, method, path, status, start, end = entry
    return f"{who:<8} {method:<4} {path:<34} {status!s:<18} {start - t0:+6.2f} → {end - t0:+6.2f} s"


def report(log, analysis, checked, options, load_before) -> list[str]:
    """Print the figures; return the targets missed."""
    readers = [e for e in log if e[0] == "reader"]
    first = min((f["t0"] for f in analysis), default=float("inf"))
    calm = sorted(e[5] - e[4] for e in readers if e[5] < first and not failed(e))
    writes = Counter(e[0] for e in log if e[0] != "reader")
    print(f"\nStörungslauf: {options.duration:.0f} s, {options.connections} Verbindungen, {options.workers} Worker")
    print(f"Maschine: {os.cpu_count()} Kerne, Last {load_before:.1f} vorher, {os.getloadavg()[0]:.1f} danach")
    print(
        f"öffentliche Anfragen: {len(readers)} ({len(readers) / options.duration:.1f}/s), fehlgeschlagen: "
        f"{sum(map(failed, readers))}; Antwortzeit vor der ersten Störung {_percentiles(calm)}"
    )
    print(
        f"Anfragen der Schreibenden: {dict(writes)}, fehlgeschlagen: {sum(failed(e) for e in log if e[0] != 'reader')}"
    )
    missed = [f"Fehler ohne Störung: {_line(e, first)}" for e in log if failed(e) and e[5] < first]
    print(f"Fehler vor der ersten Störung: {len(missed)}")
    for fault in analysis:
        slowest = max(fault["recovery"], key=fault["recovery"].get)
        seconds = fault["recovery"][slowest]
        print(f"\n{fault['kind']} bei {fault['at']:.1f} s: {fault['detail']}")
        print(
            f"  alle Seiten wieder 200 nach {seconds:.2f} s (zuletzt {slowest}); je Seite: "
            + ", ".join(f"{path} {value:.2f}" for path, value in fault["recovery"].items())
        )
        after = [e[5] - e[4] for e in readers if fault["t1"] <= e[4] < fault["t1"] + 5 and not failed(e)]
        print(
            f"  längste Pause ohne 200 einer öffentlichen Seite (Zugriffsprotokoll): {fault['server']:.2f} s; "
            f"Antwortzeit der Anfragen in den 5 s danach: {_percentiles(after)}"
        )
        print(
            f"  fehlgeschlagen, während der Störung unterwegs: {len(fault['in_flight'])}; "
            f"nach der Störung begonnen: {len(fault['after'])}"
        )
        for entry in sorted(fault["in_flight"] + fault["after"], key=lambda e: e[4])[:20]:
            print(f"    {_line(entry, fault['t0'])}")
        if seconds > RECOVERY_TARGET:
            missed.append(f"{fault['kind']} bei {fault['at']:.1f} s: alle Seiten erst nach {seconds:.2f} s")
        missed += [f"{fault['kind']}: danach begonnen: {_line(e, fault['t0'])}" for e in fault["after"]]
    print(
        f"\nMeldungen: {dict(checked['reports'])}; Veröffentlichungen: {dict(checked['publications'])}; "
        f"Importe: {dict(checked['imports'])}; Importaufträge je Zustand: {dict(checked['jobs'])}"
    )
    print(f"Prüfung in der Datenbank: {len(checked['problems'])} Probleme")
    for problem in checked["problems"][:20]:
        print(f"  {problem}")
    return missed + checked["problems"]


# --- main -------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60, help="seconds (default 60)")
    parser.add_argument("--connections", type=int, default=64, help="reading connections (default 64)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--import-rows", type=int, default=100, help="measures in each imported file (default 100)")
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Der Störungslauf braucht PostgreSQL (pg_terminate_backend): DATABASE_URL=postgres://…")
    database = ensure_database(url)
    port = free_port()
    environment = server_environment(tempfile.mkdtemp(prefix="bench-static-"), port)
    environment.update(DATABASE_URL=url, WEB_CONCURRENCY=str(options.workers), TASKS_BACKEND="database")
    os.environ.update(environment)
    manage(environment, "migrate", "--no-input", "--verbosity", "0")
    manage(environment, "createcachetable")
    manage(environment, "collectstatic", "--no-input", "--verbosity", "0")

    import django
    from django.db import connections
    from django.utils import timezone

    django.setup()
    data = prepare_data(options.import_rows)
    connections.close_all()

    log_dir = ROOT / "bench" / "results"
    log_dir.mkdir(exist_ok=True)
    quarter = options.duration / 4
    plan = [(quarter, "kill"), (2 * quarter, "terminate"), (3 * quarter, "terminate")]
    names = {"kill": "SIGKILL an einen gunicorn-Worker", "terminate": "pg_terminate_backend für alle Verbindungen"}
    with (log_dir / "fault_server.log").open("w") as server_log, (log_dir / "fault_worker.log").open("w") as task_log:
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn"))],
            cwd=ROOT,
            env=environment,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        task_worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload"],
            cwd=ROOT,
            env=environment,
            stdout=task_log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_server(port, "bench/results/fault_server.log")
            for path in PUBLIC_PATHS:  # each page once, so that the run starts with kept pages
                asyncio.run(fetch(port, path))
            run_started = timezone.now()
            context = multiprocessing.get_context("spawn")
            results = context.Queue()
            deadline = time.monotonic() + options.duration
            writer = context.Process(
                target=run_writers,
                args=(
                    port,
                    data["accounts"],
                    data["measure_ids"],
                    data["import_concept"],
                    data["import_rows"],
                    deadline,
                    results,
                ),
            )
            writer.start()
            load_before = os.getloadavg()[0]
            started, log, faults = asyncio.run(
                load_and_faults(
                    port, options.connections, options.duration, plan, server.pid, url, database, options.workers
                )
            )
            outcome = results.get(timeout=options.duration + 300)
            writer.join()
            worker_alive = task_worker.poll() is None
        finally:
            task_worker.terminate()
            server.terminate()
            server.wait(timeout=30)
            task_worker.wait(timeout=30)

    for fault in faults:
        fault["kind"] = names[fault["kind"]]
    log += outcome["log"]
    outcome.update(import_rows=data["import_rows"], import_concept=data["import_concept"])
    checked = verify_writes(outcome, run_started)
    if not worker_alive:
        checked["problems"].append("der Hintergrunddienst (db_worker) hat sich beendet: bench/results/fault_worker.log")
    server_gaps(faults, log_dir / "fault_server.log")
    missed = report(log, per_fault(faults, log, started), checked, options, load_before)
    print("\nZiele erreicht." if not missed else f"\nZiele verfehlt ({len(missed)}):")
    for line in missed[:20]:
        print(f"  {line}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
