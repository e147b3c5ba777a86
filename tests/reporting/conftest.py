"""Fixtures for the reporting workflow: a measure per unit, reports in each state, a round."""

import datetime
import html
import re

import pytest

from measures.choices import Role, Status, UpdateState
from measures.models import Measure, MeasureResponsibility, ReportRound, StatusUpdate

PASSWORD = "ein-sicheres-Passwort-123"


@pytest.fixture
def measure_a(measure):
    """Measure 1.1, unit A is lead."""
    return measure


@pytest.fixture
def measure_b(concept, field, unit_b):
    measure = Measure.objects.create(
        concept=concept, field_of_action=field, code="1.2", title="Maßnahme der Stelle B", published=True
    )
    MeasureResponsibility.objects.create(measure=measure, unit=unit_b, role=Role.LEAD)
    return measure


@pytest.fixture
def report_round(concept):
    return ReportRound.objects.create(
        concept=concept,
        title="Sachstandsbericht 2026",
        cut_off_date=datetime.date(2026, 3, 31),
        deadline=datetime.date(2026, 4, 30),
    )


def make_update(measure, author, state=UpdateState.DRAFT, **fields):
    values = {
        "reporting_date": datetime.date(2026, 3, 31),
        "status": Status.IN_PROGRESS,
        "progress": 40,
        "public_text": "Läuft.",
    }
    values.update(fields)
    return StatusUpdate.objects.create(measure=measure, author=author, state=state, **values)


@pytest.fixture
def draft_a(measure_a, reporter_a):
    return make_update(measure_a, reporter_a)


@pytest.fixture
def submitted_a(measure_a, reporter_a):
    return make_update(measure_a, reporter_a, state=UpdateState.SUBMITTED, progress=50)


@pytest.fixture
def draft_b(measure_b, reporter_b):
    return make_update(measure_b, reporter_b, public_text="Text der Stelle B")


@pytest.fixture
def login(client):
    def _login(user):
        if user is not None:
            client.force_login(user)
        return client

    return _login


def form_version(client, url) -> str:
    """The hidden version of the form at ``url``, as the browser sends it back."""
    return re.search(r'name="version" value="([^"]*)"', client.get(url).content.decode()).group(1)


def hidden_fields(response) -> dict:
    """The hidden inputs of the page's forms, as the browser would send them back."""
    content = response.content.decode()
    return {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', content)
        if name != "csrfmiddlewaretoken"
    }
