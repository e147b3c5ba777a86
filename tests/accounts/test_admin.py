"""The people pages of the admin: the Büro manages people, but never a superuser's account."""

import pytest
from django.urls import reverse

from accounts.models import User

PASSWORD = "ein-sicheres-Passwort-123"


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="root", password=PASSWORD)


def test_buero_cannot_change_or_delete_a_superuser(buero_client, superuser):
    password_url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    response = buero_client.post(password_url, {"password1": "Uebernahme-2026!x", "password2": "Uebernahme-2026!x"})
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)
    assert buero_client.get(reverse("admin:accounts_user_delete", args=[superuser.pk])).status_code == 403
    change = buero_client.post(reverse("admin:accounts_user_change", args=[superuser.pk]), {"username": "taken"})
    assert change.status_code == 403
    superuser.refresh_from_db()
    assert superuser.username == "root"


def test_buero_still_manages_other_people(buero_client, reporter_a):
    password_url = reverse("admin:auth_user_password_change", args=[reporter_a.pk])
    assert buero_client.get(password_url).status_code == 200
    assert buero_client.get(reverse("admin:accounts_user_change", args=[reporter_a.pk])).status_code == 200


def test_a_superuser_manages_superusers(client, superuser):
    other = User.objects.create_superuser(username="root2", password=PASSWORD)
    client.force_login(superuser)
    assert client.get(reverse("admin:accounts_user_change", args=[other.pk])).status_code == 200


def _add_person(client, **fields):
    data = {
        "username": "neu",
        "first_name": "Nele",
        "last_name": "Neu",
        "email": "nele.neu@example.org",
        "usable_password": "true",
        "password1": "Ein-neues-Kennwort-8251",
        "password2": "Ein-neues-Kennwort-8251",
        "_save": "Sichern",
        **fields,
    }
    return client.post(reverse("admin:accounts_user_add"), data)


def test_add_form_asks_for_role_and_unit_in_german(buero_client, unit_a):
    page = buero_client.get(reverse("admin:accounts_user_add")).content.decode()
    assert "Rolle" in page and "Stellen, für die diese Person berichtet" in page
    without_role = _add_person(buero_client)
    assert without_role.status_code == 200
    assert "Bitte wählen Sie eine Rolle: Büro oder Berichterstattung." in without_role.content.decode()
    without_unit = _add_person(buero_client, role="Berichterstattung")
    assert "Wer berichtet, braucht mindestens eine Stelle" in without_unit.content.decode()
    assert not User.objects.filter(username="neu").exists()


def test_new_reporter_logs_in_and_sees_their_measures(buero_client, client, measure):
    unit = measure.responsibilities.get().unit
    response = _add_person(buero_client, role="Berichterstattung", units=[unit.pk])
    assert response.status_code == 302
    person = User.objects.get(username="neu")
    assert person.is_reporter and not person.is_staff
    assert list(person.units.all()) == [unit]

    from django.test import Client

    reporter = Client()
    login = reporter.post("/anmelden/", {"username": "neu", "password": "Ein-neues-Kennwort-8251"})
    assert login["Location"] == "/meine-massnahmen/"
    page = reporter.get("/meine-massnahmen/")
    assert page.status_code == 200 and "Testmaßnahme" in page.content.decode()


def test_new_buero_member_gets_the_admin_after_the_second_factor(buero_client):
    assert _add_person(buero_client, role="Büro").status_code == 302
    person = User.objects.get(username="neu")
    assert person.is_buero and person.is_staff and not person.is_superuser

    from django.test import Client

    new = Client()
    login = new.post("/anmelden/", {"username": "neu", "password": "Ein-neues-Kennwort-8251", "next": "/admin/"})
    assert login["Location"] == "/zweiter-faktor/?next=%2Fadmin%2F"


ENGLISH_LEFTOVERS = [
    "After you",
    "Password-based authentication",
    "Whether the user",
    "Reset password",
    "Raw passwords",
    "If disabled",
    "Enabled",
]


def test_person_pages_of_the_admin_are_german(buero_client, reporter_a):
    pages = [
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_user_change", args=[reporter_a.pk]),
        reverse("admin:accounts_user_history", args=[reporter_a.pk]),
        reverse("admin:auth_user_password_change", args=[reporter_a.pk]),
    ]
    for url in pages:
        response = buero_client.get(url)
        content = response.content.decode()
        assert response.status_code == 200, url
        assert not [text for text in ENGLISH_LEFTOVERS if text in content], url
    change = buero_client.get(pages[2]).content.decode()
    assert "Passwort neu setzen" in change and "niemand kann sie einsehen" in change
    assert "Anmeldung mit Passwort" in buero_client.get(pages[4]).content.decode()
