import secrets

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import roles
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Legt ein lokales Konto mit der Rolle Büro an und zeigt sein erzeugtes Passwort einmal an. "
        "Besteht das Konto schon, bleibt es unverändert."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="buero", help="Benutzername (Standard: buero).")

    @transaction.atomic
    def handle(self, *args, username, **options):
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Das Konto „{username}“ besteht bereits; sein Passwort wurde beim ersten Start angezeigt. "
                f"Neues Passwort setzen: python manage.py changepassword {username}"
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username=username, password=password, is_staff=True, first_name="Büro", last_name="(lokal)"
        )
        user.groups.add(Group.objects.get(name=roles.BUERO))
        self.stdout.write(
            self.style.SUCCESS(
                f"Lokales Büro-Konto angelegt. Benutzername: {username}  Passwort: {password}\n"
                "Das Passwort wird nur dieses eine Mal angezeigt. Bei der ersten Anmeldung richten Sie den "
                "zweiten Faktor ein: eine Authenticator-App auf dem Telefon (z. B. FreeOTP, Aegis)."
            )
        )
