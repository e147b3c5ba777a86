"""Named people and a small concept, shared by the whole suite.

People: the Büro admin, a reporter of unit A, a reporter of unit B, and anonymous visitors
(the plain ``client``).
"""

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import Membership, User
from measures.choices import Role, UpdateState
from measures.models import Concept, FieldOfAction, Goal, Measure, MeasureResponsibility, ResponsibleUnit


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
    return _user("buero-admin", roles.BUERO)


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
