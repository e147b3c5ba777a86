import pytest
from django.urls import reverse

from measures.models import SitePage

LEGAL_PAGES = ["impressum", "datenschutz", "barrierefreiheit", "leichte-sprache"]


@pytest.mark.django_db
def test_home_lists_published_concepts_only(client, concept):
    from measures.models import Concept

    Concept.objects.create(title="Geheimer Entwurf", slug="entwurf", start_year=2029, end_year=2033)
    content = client.get(reverse("home")).content.decode()
    assert "Testkonzept" in content
    assert "Geheimer Entwurf" not in content


@pytest.mark.django_db
def test_every_page_links_the_legal_pages(client):
    content = client.get(reverse("home")).content.decode()
    for kind in LEGAL_PAGES:
        assert f'href="/{kind}/"' in content


@pytest.mark.django_db
@pytest.mark.parametrize("kind", LEGAL_PAGES)
def test_legal_pages_render_the_bueros_text(client, kind):
    SitePage.objects.update_or_create(
        kind=kind, defaults={"title": "Überschrift", "body": "## Abschnitt\nErster Absatz.\n\nMail: a@example.org"}
    )
    response = client.get(reverse("site_page", args=[kind]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Überschrift</h1>" in content
    assert "<h2>Abschnitt</h2>" in content
    assert 'href="mailto:a@example.org"' in content


@pytest.mark.django_db
def test_english_version_lives_under_en(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_unknown_page_is_404(client):
    assert client.get("/gibt-es-nicht/").status_code == 404


@pytest.mark.django_db
def test_english_translation_is_compiled_and_used(client, concept):
    from django.utils import translation

    from measures.choices import Status

    with translation.override("en"):
        assert str(Status.NO_REPORT.label) == "no report yet"
    content = client.get("/en/").content.decode()
    assert "Skip to content" in content and "Implementation of the integration concepts" in content
