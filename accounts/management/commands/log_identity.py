from django.core.management.base import BaseCommand

from integration.log_format import log_identity


class Command(BaseCommand):
    help = (
        "Zeigt, wie ein Benutzername oder eine Adresse in den Protokollen steht (SECURITY_LOG_IDENTITIES): "
        "zum Suchen in Protokollen mit verschlüsselten Angaben."
    )

    def add_arguments(self, parser):
        parser.add_argument("werte", nargs="+", help="Benutzernamen oder IP-Adressen")

    def handle(self, *args, werte, **options):
        for value in werte:
            self.stdout.write(f"{value}\t{log_identity(value)}")
