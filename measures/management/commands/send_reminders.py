import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from measures.reporting.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Erinnert die berichtenden Stellen per E-Mail an fehlende und zurückgegebene Sachstandsmeldungen "
        "offener Berichtsrunden. Täglich aufrufen (cron); schickt denselben Anlass nie zweimal an einem Tag."
    )

    def add_arguments(self, parser):
        parser.add_argument("--datum", help="Stichtag des Laufs als JJJJ-MM-TT (Standard: heute).")

    def handle(self, *args, datum=None, **options):
        try:
            today = datetime.date.fromisoformat(datum) if datum else timezone.localdate()
        except ValueError:
            raise CommandError(f"--datum muss ein Datum wie 2026-03-31 sein, nicht „{datum}“.") from None
        sent = send_reminders(today=today)
        self.stdout.write(f"{sent} Erinnerung(en) verschickt ({today:%d.%m.%Y}).")
