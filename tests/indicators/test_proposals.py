"""Units propose indicator values; the Büro publishes or returns them – through the staff pages."""

from datetime import date

import pytest
from django.core import mail

from measures.choices import UpdateState
from measures.models import Indicator, IndicatorValue, IndicatorValueProposal

from .conftest import D, add_value

pytestmark = pytest.mark.django_db


def _propose(client, measure, indicator, **fields):
    data = {
        "reference_date": "2025-12-31",
        "period_label": "2025",
        "value": "5,4",
        "category": "",
        "case_count": "1450",
        "note": "Stand der Personalstatistik",
        "internal_note": "Zahl aus dem Bericht vom Januar",
        **fields,
    }
    return client.post(f"/meine-massnahmen/{measure.pk}/indikatoren/{indicator.pk}/wert/", data)


def test_reporter_proposes_buero_returns_reporter_revises_buero_publishes(
    client, indicator, measure, reporter_a, buero_user, django_capture_on_commit_callbacks
):
    # Reporter of unit A finds the indicator on the page of the measure and proposes a value.
    client.force_login(reporter_a)
    page = client.get(f"/meine-massnahmen/{measure.pk}/").content.decode()
    propose_url = f"/meine-massnahmen/{measure.pk}/indikatoren/{indicator.pk}/wert/"
    assert f'href="{propose_url}"' in page
    form = client.get(propose_url)
    assert form.status_code == 200 and "Dem Büro zur Prüfung vorschlagen" in form.content.decode()
    response = _propose(client, measure, indicator, value="5,4")
    assert response.status_code == 302
    assert "vorgeschlagen" in client.get(response["Location"]).content.decode()
    proposal = IndicatorValueProposal.objects.get()
    assert proposal.state == UpdateState.SUBMITTED and proposal.author == reporter_a
    assert proposal.value == D("5.4")
    assert not IndicatorValue.objects.exists()  # nothing public yet
    assert "5,4" not in client.get("/testkonzept/indikatoren/1/").content.decode()

    # The Büro sees it in the review queue and returns it with a comment.
    reporter_a.email = "reporter-a@example.org"
    reporter_a.save()
    client.force_login(buero_user)
    queue = client.get("/pruefung/").content.decode()
    review_url = f"/pruefung/indikatorwerte/{proposal.pk}/"
    assert f'href="{review_url}"' in queue
    review = client.get(review_url).content.decode()
    assert "noch keiner" in review and "Zahl aus dem Bericht vom Januar" in review
    response = client.post(review_url, {"action": "return", "return_comment": ""})
    assert "Bitte schreiben Sie, was geändert werden soll." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review_url, {"action": "return", "return_comment": "Bitte vorläufig markieren."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == UpdateState.RETURNED
    assert len(mail.outbox) == 1 and "Bitte vorläufig markieren." in mail.outbox[0].body

    # The reporter sees the comment, revises the proposal and submits it again.
    client.force_login(reporter_a)
    page = client.get(f"/meine-massnahmen/{measure.pk}/").content.decode()
    assert "Bitte vorläufig markieren." in page
    edit_url = f"/meine-massnahmen/indikatorwerte/{proposal.pk}/"
    assert f'href="{edit_url}"' in page
    response = client.post(
        edit_url,
        {"reference_date": "2025-12-31", "period_label": "2025", "value": "5,4", "provisional": "on", "note": ""},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == UpdateState.SUBMITTED and proposal.provisional

    # The Büro publishes it: the value is on the public page, marked provisional.
    client.force_login(buero_user)
    assert client.post(review_url, {"action": "publish"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == UpdateState.PUBLISHED and proposal.published_value.value == D("5.4")
    client.logout()
    public = client.get("/testkonzept/indikatoren/1/").content.decode()
    assert "5,4 %" in public and "vorläufig" in public


def test_publishing_replaces_the_value_of_that_date(client, indicator, measure, reporter_a, buero_user):
    add_value(indicator, date(2025, 12, 31), "5.0", label="2025")
    client.force_login(reporter_a)
    _propose(client, measure, indicator, value="5,2")
    proposal = IndicatorValueProposal.objects.get()
    client.force_login(buero_user)
    review = client.get(f"/pruefung/indikatorwerte/{proposal.pk}/").content.decode()
    assert "5,0 %" in review and "5,2 %" in review  # old → new
    client.post(f"/pruefung/indikatorwerte/{proposal.pk}/", {"action": "publish"})
    (value,) = IndicatorValue.objects.all()
    assert value.value == D("5.2")
    assert value.history.first().history_user == buero_user
    # Published is final: neither published again nor edited.
    response = client.post(f"/pruefung/indikatorwerte/{proposal.pk}/", {"action": "publish"})
    assert response.status_code == 200 and "Veröffentlichen" not in response.content.decode().split("</h1>")[1]
    client.force_login(reporter_a)
    assert client.get(f"/meine-massnahmen/indikatorwerte/{proposal.pk}/").status_code == 404


def test_the_form_explains_bad_input_in_german(client, indicator, measure, reporter_a, gender):
    client.force_login(reporter_a)
    response = _propose(client, measure, indicator, value="viel", reference_date="2099-01-01")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Bitte prüfen Sie Ihre Eingaben" in content and "nicht in der Zukunft" in content
    response = _propose(client, measure, indicator, category=gender["divers"].pk, case_count="")
    assert "Fallzahl" in response.content.decode() and not IndicatorValueProposal.objects.exists()


@pytest.mark.parametrize(
    ("person", "expected"),
    [(None, 302), ("reporter_b", 404), ("reporter_a", 200), ("buero_user", 200)],
)
def test_who_may_open_the_proposal_form(client, request, indicator, measure, person, expected, reporter_a, reporter_b):
    if person:
        client.force_login(request.getfixturevalue(person))
    response = client.get(f"/meine-massnahmen/{measure.pk}/indikatoren/{indicator.pk}/wert/")
    assert response.status_code == expected
    if expected == 302:
        assert "/anmelden/" in response["Location"]


def test_a_unit_cannot_propose_for_an_indicator_not_linked_to_its_measure(client, concept, goal, measure, reporter_a):
    unlinked = Indicator.objects.create(concept=concept, number=5, name="Ohne Maßnahme", unit="%", published=True)
    unlinked.goals.add(goal)
    client.force_login(reporter_a)
    assert client.get(f"/meine-massnahmen/{measure.pk}/indikatoren/{unlinked.pk}/wert/").status_code == 404
    assert _propose(client, measure, unlinked).status_code == 404


@pytest.mark.parametrize(("person", "expected"), [(None, 302), ("reporter_a", 403), ("buero_user", 200)])
def test_only_the_buero_reviews(client, request, indicator, measure, reporter_a, person, expected):
    proposal = IndicatorValueProposal.objects.create(
        indicator=indicator, measure=measure, reference_date=date(2025, 12, 31), value=5, author=reporter_a
    )
    if person:
        client.force_login(request.getfixturevalue(person))
    assert client.get(f"/pruefung/indikatorwerte/{proposal.pk}/").status_code == expected
    assert client.post(f"/pruefung/indikatorwerte/{proposal.pk}/", {"action": "publish"}).status_code in (
        expected,
        302,
    )
    proposal.refresh_from_db()
    assert (proposal.state == UpdateState.PUBLISHED) == (person == "buero_user")


@pytest.mark.parametrize(
    ("person", "expected"), [(None, 302), ("reporter_b", 404), ("buero_user", 404), ("reporter_a", 200)]
)
def test_only_the_units_reporters_revise_a_returned_proposal(
    client, request, indicator, measure, reporter_a, person, expected
):
    proposal = IndicatorValueProposal.objects.create(
        indicator=indicator,
        measure=measure,
        reference_date=date(2025, 12, 31),
        value=5,
        author=reporter_a,
        state=UpdateState.RETURNED,
        return_comment="Bitte die Quelle nennen.",
    )
    if person:
        client.force_login(request.getfixturevalue(person))
    response = client.get(f"/meine-massnahmen/indikatorwerte/{proposal.pk}/")
    assert response.status_code == expected
    if expected == 200:
        assert "Bitte die Quelle nennen." in response.content.decode()
    if person == "reporter_b":
        assert "Bitte die Quelle nennen." not in client.get("/pruefung/").content.decode()
