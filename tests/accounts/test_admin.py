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
