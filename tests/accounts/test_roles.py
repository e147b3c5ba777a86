import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.models import Membership, User
from tests.second_factor import current_code


@pytest.mark.django_db
def test_both_roles_exist_with_their_permissions():
    buero = Group.objects.get(name=roles.BUERO)
    reporting = Group.objects.get(name=roles.REPORTING)
    domain_permissions = Permission.objects.filter(content_type__app_label__in=["measures", "accounts"])
    assert set(domain_permissions) <= set(buero.permissions.all())
    assert buero.permissions.filter(codename="change_user").exists()
    assert buero.permissions.filter(codename="delete_measure").exists()
    codenames = set(reporting.permissions.values_list("codename", flat=True))
    assert codenames == {codename for _app, codename in roles.REPORTING_PERMISSIONS}
    assert "change_measure" not in codenames and "add_measure" not in codenames


def test_role_properties(buero_user, reporter_a, unit_a):
    assert buero_user.is_buero and not buero_user.is_reporter
    assert reporter_a.is_reporter and not reporter_a.is_buero
    assert list(reporter_a.units.all()) == [unit_a]
    assert list(unit_a.members.all()) == [reporter_a]


def test_membership_is_unique(reporter_a, unit_a):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=reporter_a, unit=unit_a)


def test_inactive_users_have_no_role(buero_user):
    buero_user.is_active = False
    assert not buero_user.is_buero


@pytest.mark.django_db
def test_create_buero_account_prints_password_once_and_is_idempotent(capsys):
    call_command("create_buero_account")
    first = capsys.readouterr().out
    password = re.search(r"Passwort: (\S+)", first).group(1)
    user = User.objects.get(username="buero")
    assert user.check_password(password)
    assert user.is_staff and user.is_buero and not user.is_superuser

    call_command("create_buero_account")
    second = capsys.readouterr().out
    assert "besteht bereits" in second
    assert password not in second
    assert User.objects.filter(username="buero").count() == 1
    user.refresh_from_db()
    assert user.check_password(password)


def test_local_buero_account_can_log_in_to_the_admin(client, db, capsys):
    """A new installation: `make setup` creates the account, the Büro sets up its app at first login."""
    call_command("create_buero_account")
    output = capsys.readouterr().out
    assert "zweiten Faktor" in output
    password = re.search(r"Passwort: (\S+)", output).group(1)
    response = client.post("/anmelden/?next=/admin/", {"username": "buero", "password": password, "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"].startswith("/zweiter-faktor/")
    setup = client.get(response["Location"])
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user__username="buero", confirmed=False)
    response = client.post(response["Location"], {"action": "confirm", "code": current_code(device), "next": "/admin/"})
    assert "Ihre Codes für den Notfall" in response.content.decode()
    assert client.get("/admin/measures/measure/").status_code == 200


def test_reporters_of_a_unit_are_its_active_reporters_only(reporter_a, reporter_b, buero_user, unit_a):
    from accounts.models import Membership, User

    Membership.objects.create(user=buero_user, unit=unit_a)  # the Büro is not one of the unit's reporters
    inactive = User.objects.create_user(username="ehemalig", is_active=False)
    inactive.groups.add(*reporter_a.groups.all())
    Membership.objects.create(user=inactive, unit=unit_a)
    assert list(User.objects.reporters_of(unit_a)) == [reporter_a]


def test_lost_phone_is_reset_on_the_command_line(client, buero_user, capsys):
    call_command("reset_second_factor", "buero-admin")
    assert "zurückgesetzt" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=buero_user).exists()
    response = client.post("/anmelden/", {"username": "buero-admin", "password": "ein-sicheres-Passwort-123"})
    assert response["Location"].startswith("/zweiter-faktor/")
