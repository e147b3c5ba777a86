"""Benchmark: preview and confirm of a 5,000-measure catalogue workbook, beside a plain ModelResource import.

    .venv/bin/python bench/import_catalogue.py [--measures 5000] [--database-url URL]

Without --database-url a fresh SQLite file in a temporary directory is used. Each step runs
in a forked child process, so the peak memory printed (ru_maxrss) is that step's whole
process, Python and Django included. The workbook carries fields of action, goals and units
beside the measures; it goes the way of an upload in the admin: an import job (the file in
the database), the preview task, the claim, the import task.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def setup(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ["CACHE_URL"] = "db"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integration.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def _child(step, connection, args):
    from django.db import connections

    connections.close_all()
    started, cpu_started = time.perf_counter(), time.process_time()
    detail = step(*args)
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = time.process_time() - cpu_started
    connection.send((elapsed, cpu, usage.ru_maxrss / 1024, detail))
    connection.close()


def run(name, step, *args):
    """Run ``step`` in a forked process; print and return (seconds, CPU seconds, peak MB, detail).

    The CPU time of the process is printed beside the wall-clock time: on a shared machine
    the wall clock also counts the time other processes held the CPU.
    """
    from django.db import connections

    connections.close_all()
    context = get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=_child, args=(step, child, args))
    process.start()
    elapsed, cpu, peak_mb, detail = parent.recv()
    process.join()
    if process.exitcode:
        raise SystemExit(f"{name} failed")
    print(f"{name:<56} {elapsed:7.2f} s {cpu:7.2f} s {peak_mb:7.1f} MB  {detail}")
    return elapsed, cpu, peak_mb, detail


# Steps ----------------------------------------------------------------------------------------


def generate(measures, slug):
    from measures.demo import generate_demo

    concept = generate_demo(measures=measures, slug=slug)
    return f"{concept.measures.count()} Maßnahmen"


def export(slug, path):
    from measures.exchange.export import export_catalogue
    from measures.models import Concept

    data = export_catalogue(Concept.objects.get(slug=slug), "xlsx", include_internal=True)
    Path(path).write_bytes(data)
    return f"{len(data) / 1024:.0f} KB xlsx"


def export_changed(slug, path):
    """The catalogue workbook with every measure's title changed, for the update path."""
    import tablib

    from measures.exchange.export import catalogue_datasets, render_catalogue
    from measures.models import Concept

    concept = Concept.objects.get(slug=slug)
    datasets = catalogue_datasets(concept, include_internal=True)
    measures = dict(datasets)["Maßnahmen"]
    title = measures.headers.index("Titel")
    rows = [[f"{value} (überarbeitet)" if i == title else value for i, value in enumerate(row)] for row in measures]
    changed = tablib.Dataset(*rows, headers=measures.headers)
    datasets = [(name, changed if name == "Maßnahmen" else dataset) for name, dataset in datasets]
    Path(path).write_bytes(render_catalogue(concept, "xlsx", include_internal=True, datasets=datasets))
    return f"{len(rows)} Titel geändert"


def empty_concept(slug):
    """A concept without fields of action, goals or measures: the workbook brings them."""
    from measures.models import Concept

    for old in Concept.objects.filter(slug=slug):  # left over from an earlier run on the same database
        old.imports.all().delete()
        old.measures.all().delete()
        old.delete()
    Concept.objects.create(title=f"Benchmark {slug}", slug=slug, start_year=2024, end_year=2028)
    return slug


def empty_copy(source_slug, slug):
    """A concept with the source's fields of action and goals, for the plain ModelResource."""
    from measures.models import Concept, FieldOfAction, Goal

    source = Concept.objects.get(slug=source_slug)
    empty_concept(slug)
    target = Concept.objects.get(slug=slug)
    FieldOfAction.objects.bulk_create(
        FieldOfAction(concept=target, number=f.number, title=f.title, slug=f.slug)
        for f in source.fields_of_action.all()
    )
    Goal.objects.bulk_create(Goal(concept=target, number=g.number, title=g.title) for g in source.goals.all())
    return slug


def _user():
    from accounts.models import User

    return User.objects.get_or_create(username="benchmark")[0]


def preview(path, slug, job_path):
    """Upload and preview task: the job keeps the file for the confirm, in the database."""
    from measures.exchange.importing import ImportOutcome
    from measures.exchange.jobs import job_create, job_run_preview
    from measures.models import Concept, ImportJob

    job = job_create(
        concept=Concept.objects.get(slug=slug), user=_user(), file_name=Path(path).name, data=Path(path).read_bytes()
    )
    job_run_preview(job.pk)
    job.refresh_from_db()
    outcome = ImportOutcome.from_dict(job.result)
    assert job.state == ImportJob.State.PREVIEWED, [str(problem) for problem in outcome.problems[:5]]
    Path(job_path).write_text(str(job.pk))
    return _counts(outcome)


def confirm(path, slug, job_path):
    """Claim and import task: under the concept's lock, the changes worked out again, then written."""
    from measures.exchange.importing import ImportOutcome
    from measures.exchange.jobs import job_claim_for_confirm, job_run_confirm
    from measures.models import ImportJob

    job = ImportJob.objects.get(pk=Path(job_path).read_text())
    assert job_claim_for_confirm(job, job.user)
    job_run_confirm(job.pk)
    job.refresh_from_db()
    outcome = ImportOutcome.from_dict(job.result)
    assert job.state == ImportJob.State.DONE, [str(problem) for problem in outcome.problems[:5]]
    return {**_counts(outcome), "Meldungen": job.record.status_updates_created}


def _counts(outcome):
    counts = {sheet["sheet"]: sheet for sheet in outcome.sheet_counts}
    return {name[:5]: f"{row['new']}/{row['changed']}/{row['unchanged']}" for name, row in counts.items()} | {
        "Fehler": len(outcome.problems)
    }


def plain_dataset(path, slug):
    """The same rows for a plain ModelResource: model field names, database ids, ISO values."""
    import tablib
    from openpyxl import load_workbook

    from measures.models import Concept

    concept = Concept.objects.get(slug=slug)
    field_ids = {field.number: field.pk for field in concept.fields_of_action.all()}
    sheet = load_workbook(path, read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    headers = list(next(rows))
    columns = {
        "Nr.": "code",
        "Titel": "title",
        "Kurzbeschreibung": "summary",
        "Beschreibung": "description",
        "Ziel / Indikator": "target",
        "Zielgruppen": "target_groups",
        "Beginn": "planned_start",
        "Ende": "planned_end",
        "Budget (EUR)": "budget",
        "Interne Notiz": "internal_note",
    }
    dataset = tablib.Dataset(headers=["concept", "field_of_action", "ongoing", "published", *columns.values()])
    for row in rows:
        values = dict(zip(headers, row, strict=False))
        dataset.append(
            [
                concept.pk,
                field_ids[int(values["Handlungsfeld"])],
                int(values["fortlaufend"] == "ja"),
                int(values["veröffentlicht"] == "ja"),
                *(
                    value.date().isoformat() if hasattr(value, "date") else ("" if value is None else value)
                    for value in (values[column] for column in columns)
                ),
            ]
        )
    return dataset


def plain_import(path, slug, dry_run):
    from import_export import resources

    from measures.models import Measure

    class PlainMeasureResource(resources.ModelResource):
        class Meta:
            model = Measure
            fields = (
                "concept",
                "field_of_action",
                "code",
                "title",
                "summary",
                "description",
                "target",
                "target_groups",
                "planned_start",
                "planned_end",
                "ongoing",
                "budget",
                "published",
                "internal_note",
            )
            import_id_fields = ("concept", "code")

    result = PlainMeasureResource().import_data(plain_dataset(path, slug), dry_run=dry_run, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    return dict(result.totals)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=5000)
    parser.add_argument("--database-url")
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    setup(options.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}")
    from django.db import connection

    print(
        f"Datenbank: {connection.vendor}; {options.measures} Maßnahmen; Python {sys.version.split()[0]}; "
        f"{os.cpu_count()} CPUs, Last {os.getloadavg()[0]:.1f}"
    )
    print("Je Blatt: neu/geändert/unverändert (Handl = Handlungsfelder, Ziele, Stell = Stellen, Maßna = Maßnahmen)")
    path, job = workdir / "katalog.xlsx", workdir / "job"
    print(f"{'Schritt':<56} {'Zeit':>9} {'CPU':>9} {'Spitze':>10}")
    run("Demo-Katalog erzeugen", generate, options.measures, "bench-demo")
    run("Export (xlsx, Arbeitsmappe mit allen Blättern)", export, "bench-demo", path)
    empty_concept("bench-ziel")
    empty_copy("bench-demo", "bench-plain")
    first, first_cpu, mb1, _ = run("Vorschau: leeres Konzept, alles neu", preview, path, "bench-ziel", job)
    second, second_cpu, mb2, _ = run("Bestätigen: alles anlegen", confirm, path, "bench-ziel", job)
    again, again_cpu, _mb, _ = run(
        "Vorschau: dieselbe Datei erneut, alles unverändert", preview, path, "bench-ziel", job
    )
    again2, again2_cpu, _mb, _ = run("Bestätigen: dieselbe Datei erneut, unverändert", confirm, path, "bench-ziel", job)
    changed = workdir / "geaendert.xlsx"
    export_changed("bench-demo", changed)
    third, third_cpu, _mb3, _ = run("Vorschau: alle Titel geändert", preview, changed, "bench-demo", job)
    fourth, fourth_cpu, _mb4, _ = run("Bestätigen: alle Titel geändert", confirm, changed, "bench-demo", job)
    run("Plain ModelResource: Vorschau (dry_run)", plain_import, path, "bench-plain", True)
    run("Plain ModelResource: Import", plain_import, path, "bench-plain", False)
    print(
        f"Vorschau + Bestätigen, alles neu: {first + second:.2f} s, CPU {first_cpu + second_cpu:.2f} s, "
        f"Spitze {max(mb1, mb2):.0f} MB (Ziel: unter 10 s und 400 MB)"
    )
    print(
        f"Erneuter Import, unverändert: Vorschau {again:.2f} s (CPU {again_cpu:.2f} s), Bestätigen {again2:.2f} s "
        f"(CPU {again2_cpu:.2f} s) (Ziel: unter 3 s)"
    )
    print(f"Vorschau + Bestätigen, alle geändert: {third + fourth:.2f} s, CPU {third_cpu + fourth_cpu:.2f} s")
    print(f"Last am Ende: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
