from django.core.management import call_command
from django.core.management.base import BaseCommand

from measures.models import Concept

CONCEPT_FIXTURE = "integrationskonzept-2024-2028"


class Command(BaseCommand):
    help = (
        "Lädt das Integrationskonzept 2024–2028 (Fixture), nur wenn es noch fehlt; mit --demo auch das "
        "Demo-Konzept mit erfundenen Beispieldaten (zum Ausprobieren, nie für den Betrieb). Bestehende Daten "
        "werden nie überschrieben; mehrfaches Ausführen ist unbedenklich."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Auch das Demo-Konzept anlegen, wenn es fehlt (zum Ausprobieren mit make run, nicht im Betrieb).",
        )

    def handle(self, *args, demo, **options):
        if Concept.objects.filter(slug=CONCEPT_FIXTURE).exists():
            self.stdout.write(f"Konzept „{CONCEPT_FIXTURE}“ besteht bereits; unverändert.")
        else:
            call_command("loaddata", CONCEPT_FIXTURE, verbosity=0)
            self.stdout.write(self.style.SUCCESS(f"Konzept „{CONCEPT_FIXTURE}“ geladen."))
        # Demonstration data on a public site would be read as the city's: only on request.
        if demo:
            call_command("generate_demo", if_missing=True, stdout=self.stdout)
