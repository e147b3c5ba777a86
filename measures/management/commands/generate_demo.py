from django.core.management.base import BaseCommand, CommandError

from measures.demo import NotADemoConcept, generate_demo, remove_demo
from measures.models import Concept


class Command(BaseCommand):
    help = "Legt das Demo-Konzept mit erfundenen Beispieldaten an oder baut es neu auf."

    def add_arguments(self, parser):
        parser.add_argument("--measures", type=int, default=50, help="Anzahl der Maßnahmen (Standard: 50).")
        parser.add_argument("--slug", default="demo", help="Kurzname des Demo-Konzepts (Standard: demo).")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Nichts tun, wenn das Demo-Konzept schon existiert.",
        )
        parser.add_argument(
            "--remove",
            action="store_true",
            help="Das Demo-Konzept mit allen Maßnahmen, Meldungen und Beispiel-Stellen löschen.",
        )

    def handle(self, *args, measures, slug, if_missing, remove, **options):
        if remove:
            return self._remove(slug)
        if measures < 1:
            raise CommandError("--measures muss mindestens 1 sein.")
        if if_missing and Concept.objects.filter(slug=slug).exists():
            self.stdout.write(f"Demo-Konzept „{slug}“ besteht bereits; unverändert.")
            return
        try:
            concept = generate_demo(measures=measures, slug=slug)
        except NotADemoConcept:
            raise CommandError(
                f"Das Konzept „{slug}“ ist kein Demo-Konzept und wird nicht überschrieben. "
                "Bitte einen anderen Kurznamen wählen (--slug)."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"Demo-Konzept „{concept.slug}“ mit {concept.measures.count()} Maßnahmen angelegt.")
        )

    def _remove(self, slug):
        try:
            removed = remove_demo(slug=slug)
        except NotADemoConcept:
            raise CommandError(f"Das Konzept „{slug}“ ist kein Demo-Konzept und wird nicht gelöscht.") from None
        if removed:
            self.stdout.write(self.style.SUCCESS(f"Demo-Konzept „{slug}“ gelöscht."))
        else:
            self.stdout.write(f"Es gibt kein Konzept „{slug}“; nichts zu löschen.")
