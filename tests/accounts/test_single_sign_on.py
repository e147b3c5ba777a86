"""Single sign-on for city staff, end to end against a real OpenID provider (oidc-provider).

People: Berta from the Büro (directory group „umsetzungsmonitor-buero“), Rita who reports for unit A
(group „umsetzungsmonitor-berichterstattung“), Otto with no group for this application, and a
welfare organisation's local account. Each walks the login page, the provider's forms and back.
"""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.test import Client

from accounts import roles
from accounts.models import Membership, SingleSignOnIdentity, User
from accounts.oidc.provider import BACKEND_PATH


def _prepared_account(username, *units):
    """An account the Büro created for single sign-on: no password, units assigned by the Büro."""
    user = User.objects.create_user(username=username, password=None)
    for unit in units:
        Membership.objects.create(user=user, unit=unit)
    return user


def _logged_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_login_page_offers_only_the_password_form_without_single_sign_on(client, settings):
    settings.OIDC_ISSUER = ""
    response = client.get("/anmelden/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Mit dem Verwaltungskonto anmelden" not in content
    assert '<label for="id_username">Benutzername</label>' in content
    assert client.get("/oidc/anmelden/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


def test_login_page_offers_both_ways_with_single_sign_on(client, oidc):
    response = client.get("/anmelden/?next=/meine-massnahmen/")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<a class="button" href="/oidc/anmelden/?next=/meine-massnahmen/">Mit dem Verwaltungskonto anmelden</a>' in (
        content
    )
    assert "<h2>Mit Benutzername und Passwort</h2>" in content
    assert '<label for="id_password">Passwort</label>' in content


def test_buero_group_gives_the_buero_role_and_the_admin(person, oidc):
    oidc.OIDC_CREATE_USERS = True
    page = person.log_in("buero.sso")
    assert page.on_site and page.status == 200, (page.url, page.text[:300])
    # The provider proved no second factor: the Büro sets up its app before any staff page.
    assert page.url.startswith("/zweiter-faktor/")
    berta = _logged_in_user(person.client)
    assert berta.username == "buero.sso"
    assert (berta.first_name, berta.last_name, berta.email) == ("Berta", "Büro", "buero.sso@rathaus.example")
    assert berta.is_buero and berta.is_staff and not berta.is_reporter
    assert not berta.has_usable_password()
    assert person.client.session[BACKEND_SESSION_KEY] == BACKEND_PATH
    identity = SingleSignOnIdentity.objects.get(user=berta)
    assert (identity.issuer, identity.subject) == (oidc.OIDC_ISSUER, "sub-buero-1")
    response = person.client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/zweiter-faktor/")


def test_reporter_prepared_by_the_buero_sees_the_measures_of_their_unit(person, measure):
    rita = _prepared_account("bericht.sso", measure.responsibilities.get().unit)
    page = person.log_in("bericht.sso", next_url=f"/meine-massnahmen/{measure.pk}/")
    assert (page.url, page.status) == (f"/meine-massnahmen/{measure.pk}/", 200)
    assert "Testmaßnahme" in page.text
    rita.refresh_from_db()
    assert _logged_in_user(person.client) == rita
    assert rita.is_reporter and not rita.is_buero and not rita.is_staff
    assert [m.unit.short_name for m in rita.memberships.all()] == ["A"], "units stay as the Büro assigned them"
    assert person.client.get("/admin/").status_code == 302, "reporters never reach the admin"


def test_roles_follow_the_directory_at_every_login(person, oidc, buero_user):
    rita = _prepared_account("bericht.sso")
    rita.groups.add(buero_user.groups.get())  # given the Büro role by hand: the directory says otherwise
    person.log_in("bericht.sso")
    rita = User.objects.get(pk=rita.pk)
    assert sorted(rita.group_names) == [roles.REPORTING]
    assert not rita.is_staff


def test_a_role_without_mapping_stays_with_the_buero(person, oidc, reporter_a):
    oidc.OIDC_REPORTING_GROUPS = []  # only the Büro comes from the directory; reporters are assigned here
    otto = _prepared_account("ohne.rolle")
    otto.groups.add(reporter_a.groups.get())
    page = person.log_in("ohne.rolle")
    assert (page.url, page.status) == ("/meine-massnahmen/", 200)
    assert sorted(User.objects.get(pk=otto.pk).group_names) == [roles.REPORTING]


def test_no_matching_group_is_refused_and_counted(person, oidc):
    oidc.OIDC_CREATE_USERS = True
    page = person.log_in("ohne.rolle")
    assert page.on_site and page.status == 403
    assert "Ihr Verwaltungskonto hat keine Rolle im Umsetzungsmonitor" in page.text
    assert _logged_in_user(person.client) is None
    assert not User.objects.filter(username="ohne.rolle").exists()
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get(username="ohne.rolle").failures_since_start == 1


def test_no_matching_group_creates_an_account_without_role_where_configured(person, oidc):
    oidc.OIDC_CREATE_USERS = True
    oidc.OIDC_REQUIRE_ROLE = False
    page = person.log_in("ohne.rolle")
    otto = User.objects.get(username="ohne.rolle")
    assert _logged_in_user(person.client) == otto
    assert otto.group_names == frozenset() and not otto.is_staff
    assert page.status == 403, "without a role there is nothing to see until the Büro assigns one"


def test_unknown_person_is_refused_when_accounts_are_not_created(person, oidc):
    page = person.log_in("buero.sso")
    assert page.on_site and page.status == 403
    assert "Für Ihr Verwaltungskonto gibt es im Umsetzungsmonitor keinen Zugang" in page.text
    assert _logged_in_user(person.client) is None
    assert not User.objects.filter(username="buero.sso").exists()
    assert not SingleSignOnIdentity.objects.exists()


def test_a_local_account_with_the_same_name_is_never_taken_over(person, oidc, client):
    local = User.objects.create(username="Bericht.SSO", password=make_password("Traeger-Passwort-2024"))
    page = person.log_in("bericht.sso")
    assert page.status == 403
    assert "Unter Ihrem Benutzernamen gibt es bereits ein Konto mit Passwort" in page.text
    assert _logged_in_user(person.client) is None
    assert not SingleSignOnIdentity.objects.filter(user=local).exists()


def test_the_buero_sees_who_logs_in_through_the_directory(person, oidc, buero_user):
    rita = _prepared_account("bericht.sso")
    person.log_in("bericht.sso")
    buero = Client()
    buero.force_login(buero_user)
    response = buero.get(f"/admin/accounts/user/{rita.pk}/change/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Verwaltungskonto (Single Sign-on)" in content
    assert "sub-bericht-1" in content and oidc.OIDC_ISSUER in content
