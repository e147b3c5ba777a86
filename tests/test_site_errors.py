"""Error pages: German, in the site's layout, saying what happened and what to do; logout for
whoever is signed in; a reporter on a Büro page is told that the page is for the Büro."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LAYOUT = ('class="site-header"', 'class="site-footer"', "Büro für Chancengleichheit und Vielfalt")


def _assert_site_page(response, status, heading):
    assert response.status_code == status
    assert response["Content-Type"] == "text/html; charset=utf-8"
    content = response.content.decode()
    assert '<html lang="de">' in content
    for part in LAYOUT:
        assert part in content, part
    assert f"<h1>{heading}</h1>" in content
    assert "chancengleichheit@rathaus.potsdam.de" in content
    return content


def _has_logout(content):
    return 'action="/abmelden/"' in content and ">Abmelden</button>" in content


def test_not_found_page_for_anonymous_visitors(client):
    content = _assert_site_page(client.get("/gibt-es-nicht/"), 404, "Diese Seite gibt es nicht")
    assert not _has_logout(content)
    assert 'href="/"' in content


def test_reporter_opening_a_buero_page_is_told_it_is_for_the_buero(client, reporter_a, measure):
    client.force_login(reporter_a)
    for url in ("/pruefung/", "/berichtsrunden/"):
        content = _assert_site_page(client.get(url), 403, "Diese Seite ist für das Büro")
        assert "Meine Maßnahmen" in content
        assert "melden Sie sich ab und mit Ihrem Konto des Büros wieder an" in content
        assert _has_logout(content)
        assert "reporter-a" in content


def test_person_without_role_is_told_to_ask_the_buero(client, db):
    from accounts.models import User

    nobody = User.objects.create_user(username="ohne-rolle", password="ein-sicheres-Passwort-123")
    client.force_login(nobody)
    content = _assert_site_page(client.get("/meine-massnahmen/"), 403, "Ihrem Konto ist noch keine Rolle zugeordnet")
    assert "Bitte wenden Sie sich an das Büro" in content
    assert _has_logout(content)
    assert "403 Forbidden" not in content


def test_buero_gets_the_generic_forbidden_page_with_logout(rf, buero_user):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/irgendwo/")
    request.user = buero_user
    response = permission_denied(request, PermissionDenied())
    content = response.content.decode()
    assert "<h1>Kein Zugriff auf diese Seite</h1>" in content
    assert _has_logout(content)


def test_csrf_failure_is_explained_in_german_with_what_to_do(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/anmelden/", {"username": "x", "password": "y"})
    content = _assert_site_page(response, 403, "Das Formular konnte nicht gesendet werden")
    assert "Cookies" in content
    assert 'href="/anmelden/">Die Seite neu laden</a>' in content
    assert "CSRF verification failed" not in content


def test_csrf_failure_of_a_signed_in_reporter_offers_logout(reporter_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter_a)
    response = client.post("/passwort/", {"old_password": "x"})
    content = _assert_site_page(response, 403, "Das Formular konnte nicht gesendet werden")
    assert _has_logout(content)


def test_method_not_allowed_gets_a_german_page_and_keeps_the_allow_header(client, reporter_a):
    # The logout takes POST only: following a link to it is a 405.
    client.force_login(reporter_a)
    response = client.get("/abmelden/")
    content = _assert_site_page(response, 405, "Diese Adresse lässt sich so nicht aufrufen")
    assert "POST" in response["Allow"]
    assert "nimmt nur abgeschickte Formulare an" in content
    assert _has_logout(content)


def test_post_to_a_read_only_address_is_405_not_a_csrf_failure(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/robots.txt", {"x": "y"})
    content = _assert_site_page(response, 405, "Diese Adresse lässt sich so nicht aufrufen")
    assert response["Allow"] == "GET, HEAD"
    assert 'href="/robots.txt">Die Seite öffnen</a>' in content


def test_bad_request_is_german_in_the_site_layout(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/", HTTP_HOST="evil.example")
    content = _assert_site_page(response, 400, "Die Anfrage war fehlerhaft")
    assert "Bitte rufen Sie die Seite noch einmal über einen Link auf" in content
    assert "evil.example" not in content


def test_server_error_page_is_german_and_needs_no_database(client, settings):
    from django.template.loader import render_to_string

    content = render_to_string("500.html")
    assert '<html lang="de">' in content
    assert "<h1>Ein technischer Fehler ist aufgetreten</h1>" in content
    assert "Friedrich-Ebert-Straße 79/81" in content
    assert 'href="https://www.potsdam.de/"' in content


@pytest.mark.parametrize("path", ["//evil.example/x", "//evil.example/", "/\\evil.example/", "/\\/evil.example/"])
def test_language_links_of_a_404_stay_on_the_site(client, path):
    # PATH_INFO as a server passes it on, also for /%2F%2Fevil.example/ (decoded to //evil.example/).
    response = client.get("/", PATH_INFO=path)
    assert response.status_code == 404
    content = response.content.decode()
    switch = content[content.index('class="language-switch"') :].split("</nav>")[0]
    assert 'href="/en/"' in switch
    assert "evil.example" not in switch
