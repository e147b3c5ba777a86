"""Named people and a small concept, shared by the whole suite.

People: the Büro admin, a reporter of unit A, a reporter of unit B, and anonymous visitors
(the plain ``client``).
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from accounts import roles
from accounts.models import Membership, User
from measures.choices import Role, UpdateState
from measures.models import (
    Concept,
    FieldOfAction,
    Goal,
    Measure,
    MeasureResponsibility,
    ReportRound,
    ResponsibleUnit,
    StatusUpdate,
)
from tests.second_factor import give_app


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Most tests create several people; the production hasher costs about 0.4 s per password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def concept(db):
    return Concept.objects.create(
        title="Testkonzept", slug="testkonzept", start_year=2024, end_year=2028, published=True
    )


@pytest.fixture
def field(concept):
    return FieldOfAction.objects.create(concept=concept, number=1, title="Arbeit", slug="arbeit")


@pytest.fixture
def goal(concept):
    return Goal.objects.create(concept=concept, number=1, title="Testziel")


@pytest.fixture
def unit_a(db):
    return ResponsibleUnit.objects.create(name="Stelle A", short_name="A", slug="stelle-a")


@pytest.fixture
def unit_b(db):
    return ResponsibleUnit.objects.create(name="Stelle B", short_name="B", slug="stelle-b")


@pytest.fixture
def measure(concept, field, unit_a):
    measure = Measure.objects.create(
        concept=concept, field_of_action=field, code="1.1", title="Testmaßnahme", published=True
    )
    MeasureResponsibility.objects.create(measure=measure, unit=unit_a, role=Role.LEAD)
    return measure


def _user(username, group_name, *, units=(), is_staff=True):
    user = User.objects.create_user(username=username, password="ein-sicheres-Passwort-123", is_staff=is_staff)
    user.groups.add(Group.objects.get(name=group_name))
    for unit in units:
        Membership.objects.create(user=user, unit=unit)
    return user


@pytest.fixture
def buero_user(db):
    user = _user("buero-admin", roles.BUERO)
    give_app(user)  # the Büro always has its second factor set up
    return user


@pytest.fixture
def reporter_a(unit_a):
    return _user("reporter-a", roles.REPORTING, units=[unit_a], is_staff=False)


@pytest.fixture
def reporter_b(unit_b):
    return _user("reporter-b", roles.REPORTING, units=[unit_b], is_staff=False)


@pytest.fixture
def buero_client(client, buero_user):
    client.force_login(buero_user)
    return client


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch):
    """``client.force_login(user)`` stands for a finished login: for whoever needs the second
    factor (the Büro, anyone with an app) that includes the confirmed code. The tests of the login
    itself walk the real forms (tests/accounts)."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from accounts import second_factor

        if user.is_buero or second_factor.has_confirmed_device(user):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = give_app(user).persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _default_language():
    """A request to /en/ leaves English active in the test's thread, and ``reverse()`` would then
    build /en/ addresses in the next test: each test starts in the site's language."""
    from django.utils import translation

    translation.activate("de")
    yield
    translation.deactivate()


def publish_as_buero(update, buero_user):
    """Test set-up: the unit submits ``update`` and the Büro publishes it, through the workflow."""
    from measures.reporting.workflow import status_update_review_publish

    update.state = UpdateState.SUBMITTED
    update.save()
    return status_update_review_publish(update=update, reviewer=buero_user)


def round_with_returned_and_submitted(
    measure,
    reporter,
    *,
    public_text="Erste Schritte.",
    return_comment="Bitte den Fortschritt begründen.",
    progress=None,
):
    """A report round of the measure's concept (cut-off 31.03.2026, deadline 30.04.2026) in which
    the Büro returned one of ``reporter``'s reports and another one waits for review."""
    report_round = ReportRound.objects.create(
        concept=measure.concept,
        title="Sachstandsbericht 2026",
        cut_off_date=datetime.date(2026, 3, 31),
        deadline=datetime.date(2026, 4, 30),
    )
    returned = StatusUpdate.objects.create(
        measure=measure,
        author=reporter,
        state=UpdateState.RETURNED,
        reporting_date=datetime.date(2026, 3, 31),
        status="in_umsetzung",
        progress=progress,
        public_text=public_text,
        return_comment=return_comment,
        report_round=report_round,
    )
    submitted = StatusUpdate.objects.create(
        measure=measure,
        author=reporter,
        state=UpdateState.SUBMITTED,
        reporting_date=datetime.date(2026, 2, 28),
        status="in_vorbereitung",
        report_round=report_round,
    )
    return {"round": report_round.pk, "measure": measure.pk, "returned": returned.pk, "submitted": submitted.pk}
