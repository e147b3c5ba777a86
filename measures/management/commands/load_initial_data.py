from django.core.management import call_command
from django.core.management.base import BaseCommand

from measures.models import Concept

CONCEPT_FIXTURE = "integrationskonzept-2024-2028"


class Command(BaseCommand):
    help = (
        "Lädt das Integrationskonzept 2024–2028 (Fixture) und das Demo-Konzept, jeweils nur, wenn es noch fehlt. "
        "Bestehende Daten werden nie überschrieben; mehrfaches Ausführen ist unbedenklich."
    )

    def handle(self, *args, **options):
        if Concept.objects.filter(slug=CONCEPT_FIXTURE).exists():
            self.stdout.write(f"Konzept „{CONCEPT_FIXTURE}“ besteht bereits; unverändert.")
        else:
            call_command("loaddata", CONCEPT_FIXTURE, verbosity=0)
            self.stdout.write(self.style.SUCCESS(f"Konzept „{CONCEPT_FIXTURE}“ geladen."))
        call_command("generate_demo", if_missing=True, stdout=self.stdout)
