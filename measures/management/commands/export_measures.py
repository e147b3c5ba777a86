import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from measures.exchange.export import EXPORT_FORMATS, export_catalogue
from measures.models import Concept


class Command(BaseCommand):
    help = "Exportiert den Maßnahmenkatalog eines Konzepts im Importformat (mit internen Notizen)."

    def add_arguments(self, parser):
        parser.add_argument("--concept", required=True, help="Kurzname des Konzepts, z. B. demo")
        parser.add_argument("--format", required=True, choices=sorted(EXPORT_FORMATS), help="Dateiformat")
        parser.add_argument("-o", "--output", help="Zieldatei; ohne Angabe auf die Standardausgabe")

    def handle(self, *args, concept, format, output, **options):
        concept_obj = Concept.objects.filter(slug=concept).first()
        if concept_obj is None:
            raise CommandError(f"Das Konzept „{concept}“ gibt es nicht.")
        data = export_catalogue(concept_obj, format, include_internal=True)
        if output:
            try:
                Path(output).write_bytes(data)
            except OSError as error:
                raise CommandError(f"Die Datei „{output}“ kann nicht geschrieben werden: {error.strerror}.") from None
            self.stderr.write(f"{concept_obj.measures.count()} Maßnahmen nach „{output}“ exportiert.")
        else:
            stream = getattr(self.stdout, "_out", sys.stdout)
            if hasattr(stream, "buffer"):
                stream.buffer.write(data)
                stream.flush()
            else:
                stream.write(data.decode("utf-8", errors="replace"))
