"""indicator_value_write: the one way code writes values (proposals now, the spreadsheet import later)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from measures.models import IndicatorValue
from measures.services import indicator_value_write

from .conftest import D

pytestmark = pytest.mark.django_db


def test_created_updated_unchanged_with_what_changed(indicator, gender, buero_user):
    day = date(2024, 12, 31)
    first = indicator_value_write(indicator=indicator, reference_date=day, value=D("4.5"), user=buero_user)
    assert first.action == "created" and first.before == {}
    same = indicator_value_write(indicator=indicator, reference_date=day, value=D("4.5000"), user=buero_user)
    assert same.action == "unchanged"
    changed = indicator_value_write(
        indicator=indicator, reference_date=day, value=D("4.7"), provisional=True, user=buero_user, reason="Import 3"
    )
    assert changed.action == "updated"
    assert changed.before == {"value": D("4.5"), "provisional": False}
    group = indicator_value_write(
        indicator=indicator, reference_date=day, value=D("5"), category=gender["weiblich"], case_count=500
    )
    assert group.action == "created"
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 2
    history = IndicatorValue.objects.get(category=None).history.all()
    assert history.count() == 2  # created and updated; "unchanged" wrote nothing
    assert history.first().history_change_reason == "Import 3" and history.first().history_user == buero_user


def test_invalid_values_are_refused_with_german_messages_per_field(indicator, gender):
    with pytest.raises(ValidationError) as error:
        indicator_value_write(indicator=indicator, reference_date=date(2099, 1, 1), value=D("1"))
    assert "reference_date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        indicator_value_write(
            indicator=indicator, reference_date=date(2024, 12, 31), value=D("1"), category=gender["divers"]
        )
    assert "Fallzahl" in error.value.message_dict["case_count"][0]
    assert not IndicatorValue.objects.exists()
