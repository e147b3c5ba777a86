"""Embeddable views for the city's website: framed only by the configured origins, every other
page still refuses every frame; published content only, no script, no cookie."""

from datetime import date

import pytest

from measures.choices import Status
from measures.models import Concept, Measure

from .conftest import publish_update

pytestmark = pytest.mark.django_db

EMBEDS = [
    "/testkonzept/einbetten/",
    "/testkonzept/handlungsfelder/1/einbetten/",
    "/testkonzept/massnahmen/1.1/einbetten/",
]
# Pages that must never be framed, whatever EMBED_FRAME_ANCESTORS says.
NOT_EMBEDDABLE = [
    "/testkonzept/",
    "/testkonzept/massnahmen/1.1/",
    "/offene-daten/",
    "/anmelden/",
    "/anmelden/",
]
CITY = "https://www.potsdam.de"


def frame_ancestors(response) -> str:
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if " " in part.strip()
    )
    return directives["frame-ancestors"]


@pytest.fixture
def city_may_embed(settings):
    settings.EMBED_FRAME_ANCESTORS = [CITY, "https://*.potsdam.de"]


@pytest.mark.parametrize("path", EMBEDS + NOT_EMBEDDABLE)
def test_without_an_allow_list_nobody_may_frame_any_page(client, measure, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert frame_ancestors(response) == "'none'"


@pytest.mark.parametrize("path", EMBEDS)
def test_city_website_may_frame_the_embeds(client, measure, city_may_embed, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not response.has_header("X-Frame-Options")
    assert frame_ancestors(response) == f"{CITY} https://*.potsdam.de"
    # The rest of the policy stays as strict as everywhere: no script, nothing from elsewhere.
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert b"<script" not in response.content
    assert not response.cookies


@pytest.mark.parametrize("path", EMBEDS)
def test_revalidated_embed_keeps_its_frame_permission(client, measure, city_may_embed, path):
    first = client.get(path)
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert not again.has_header("X-Frame-Options")
    assert frame_ancestors(again) == f"{CITY} https://*.potsdam.de"


@pytest.mark.parametrize("path", NOT_EMBEDDABLE)
def test_other_pages_stay_unframeable_with_an_allow_list(client, measure, city_may_embed, path):
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert frame_ancestors(response) == "'none'"


def test_measure_embed_shows_the_published_status_in_words_and_symbol(client, measure):
    publish_update(
        measure, day=date(2025, 3, 1), status=Status.IN_PROGRESS, progress=40, text="Erste Schulungen laufen."
    )
    text = client.get("/testkonzept/massnahmen/1.1/einbetten/").content.decode()
    assert "Testmaßnahme" in text
    assert str(Status.IN_PROGRESS.label) in text and "◑" in text
    assert "40 %" in text
    assert "Erste Schulungen laufen." in text
    assert 'href="/testkonzept/massnahmen/1.1/"' in text  # the way to the full page


def test_concept_and_field_embeds_count_only_published_measures(client, measure, field):
    Measure.objects.create(concept=measure.concept, field_of_action=field, code="1.2", title="Entwurf", published=False)
    for path in ("/testkonzept/einbetten/", "/testkonzept/handlungsfelder/1/einbetten/"):
        text = client.get(path).content.decode()
        assert "1 veröffentlichte Maßnahme" in text, path
        assert "Entwurf" not in text


def test_unpublished_things_have_no_embed(client, measure, field):
    Measure.objects.create(concept=measure.concept, field_of_action=field, code="1.9", title="Geheim", published=False)
    Concept.objects.create(title="Entwurfskonzept", slug="entwurfskonzept", start_year=2025, end_year=2029)
    assert client.get("/testkonzept/massnahmen/1.9/einbetten/").status_code == 404
    assert client.get("/entwurfskonzept/einbetten/").status_code == 404
    assert client.get("/testkonzept/handlungsfelder/7/einbetten/").status_code == 404


def test_allow_list_with_anything_but_origins_stops_the_start():
    from tests.test_settings import _load_settings

    result = _load_settings(EMBED_FRAME_ANCESTORS="https://www.potsdam.de, *")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "EMBED_FRAME_ANCESTORS" in result.stderr
    assert _load_settings(EMBED_FRAME_ANCESTORS="https://www.potsdam.de,https://*.potsdam.de").returncode == 0
