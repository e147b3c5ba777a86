"""The public data version moves on once per committed transaction, whatever it saved."""

import pytest
from django.db import transaction

from measures.models import Measure
from measures.versions import _store_new_version


def _bumps(callbacks):
    return [callback for callback in callbacks if callback is _store_new_version]


def test_the_bueros_many_saves_in_one_transaction_move_the_version_once(measure, django_capture_on_commit_callbacks):
    """An import saves thousands of rows in one transaction: the public pages learn of it once,
    after the commit, not once per row."""
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for number in range(2, 7):
            Measure.objects.create(
                concept=measure.concept, field_of_action=measure.field_of_action, code=f"1.{number}", title="Neu"
            )
        measure.title = "Geändert"
        measure.save()

    assert len(_bumps(callbacks)) == 1


def test_a_change_after_a_rolled_back_one_still_moves_the_version(measure, django_capture_on_commit_callbacks):
    """The Büro's first save fails and is rolled back (its savepoint with it); the next save in the
    same transaction must still tell the public pages."""
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            measure.title = "Verworfen"
            measure.save()
            raise RuntimeError
        measure.title = "Gespeichert"
        measure.save()

    assert len(_bumps(callbacks)) == 1


def test_a_rolled_back_change_leaves_the_earlier_bump(measure, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        measure.title = "Gespeichert"
        measure.save()
        with pytest.raises(RuntimeError), transaction.atomic():
            measure.summary = "Verworfen"
            measure.save()
            raise RuntimeError

    assert len(_bumps(callbacks)) == 1
