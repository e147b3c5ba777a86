from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from operations.backups import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Stellt eine mit backup_database geschriebene Sicherung wieder her. Der bisherige Inhalt der "
        "Datenbank wird ersetzt; die Anwendungsserver vorher anhalten."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="die Sicherungsdatei")
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="ohne Rückfrage")

    def handle(self, *args, file, interactive, **options):
        name = connection.settings_dict["NAME"]
        if interactive:
            answer = input(f"Der Inhalt der Datenbank {name} wird durch {file} ersetzt. Fortfahren? [ja/nein] ")
            if answer.strip().lower() != "ja":
                raise CommandError("Abgebrochen; nichts wurde geändert.")
        try:
            restore_database(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        # Cached pages, summaries and sessions describe the data before the restore. A Redis cache
        # outlives the database; the db cache came back with the backup but may be older than it.
        try:
            for alias in settings.CACHES:
                caches[alias].clear()
        except Exception as error:  # the restore itself succeeded; say what is left to do
            self.stderr.write(
                f"Achtung: Der Cache konnte nicht geleert werden ({error}). Bis er geleert ist, können "
                "Seiten den Stand vor der Wiederherstellung zeigen."
            )
        self.stdout.write(self.style.SUCCESS(f"Sicherung {file} in {name} wiederhergestellt."))
