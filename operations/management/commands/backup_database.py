from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from operations.backups import BackupError, backup_database


class Command(BaseCommand):
    help = "Sichert die ganze Datenbank (SQLite oder PostgreSQL) in eine Datei und gibt ihren Pfad aus."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "var" / "backups",
            help="Verzeichnis der Sicherungen (Standard: var/backups im Projekt).",
        )

    def handle(self, *args, output_dir, **options):
        try:
            path = backup_database(output_dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Sicherung geschrieben: {path}"))
