from django.core.management.base import BaseCommand, CommandError

from accounts import second_factor
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Entfernt Authenticator-App und Wiederherstellungscodes einer Person (Telefon verloren). "
        "Sie richtet den zweiten Faktor bei der nächsten Anmeldung neu ein."
    )

    def add_arguments(self, parser):
        parser.add_argument("benutzername")

    def handle(self, *args, benutzername, **options):
        try:
            user = User.objects.get(username=benutzername)
        except User.DoesNotExist:
            raise CommandError(f"Kein Konto mit dem Benutzernamen „{benutzername}“.") from None
        second_factor.reset(user)
        self.stdout.write(
            f"Zweiter Faktor von „{benutzername}“ zurückgesetzt; bei der nächsten Anmeldung neu einrichten."
        )
