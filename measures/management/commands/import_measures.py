from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from measures.exchange.files import ImportFileError
from measures.exchange.importing import run_import
from measures.models import Concept


class Command(BaseCommand):
    help = (
        "Importiert einen Maßnahmenkatalog (.xlsx, .ods, .csv) in ein Konzept. Bei einem Fehler wird nichts "
        "gespeichert und der Befehl endet mit Status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Pfad der Tabelle")
        parser.add_argument("--concept", required=True, help="Kurzname des Konzepts, z. B. demo")
        parser.add_argument("--dry-run", action="store_true", help="Nur prüfen und die Vorschau zeigen.")
        parser.add_argument("--user", help="Benutzername, der als Importierende Person eingetragen wird.")

    def handle(self, *args, path, concept, dry_run, user, **options):
        concept_obj = Concept.objects.filter(slug=concept).first()
        if concept_obj is None:
            raise CommandError(f"Das Konzept „{concept}“ gibt es nicht.")
        user_obj = None
        if user:
            user_obj = get_user_model().objects.filter(username=user).first()
            if user_obj is None:
                raise CommandError(f"Die Person „{user}“ gibt es nicht.")
        file = Path(path)
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Die Datei „{path}“ kann nicht gelesen werden: {error.strerror}.") from None
        try:
            outcome = run_import(data, file.name, concept=concept_obj, user=user_obj, dry_run=dry_run)
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        counts = outcome.counts
        summary = (
            f"{counts['new']} neu, {counts['changed']} geändert, {counts['unchanged']} unverändert, "
            f"{counts['error']} mit Fehlern"
        )
        for row in outcome.rows:
            if row.kind == "changed" and options["verbosity"] > 1:
                self.stdout.write(f"Zeile {row.line} ({row.code}): geändert – {', '.join(row.changed_columns)}")
        if not outcome.ok:
            for problem in outcome.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(outcome.problems)} Fehler ({summary}). Es wurde nichts gespeichert.")
        if dry_run:
            self.stdout.write(f"Prüfung ohne Fehler: {summary}. Es wurde nichts gespeichert (--dry-run).")
        else:
            record = outcome.record
            self.stdout.write(
                self.style.SUCCESS(
                    f"Import Nr. {record.pk} abgeschlossen: {summary}; "
                    f"{record.status_updates_created} neue Sachstandsmeldungen."
                )
            )
