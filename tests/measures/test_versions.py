"""The public data version moves on once per import, however many rows it saves."""

from django.db import transaction

from measures.models import Measure
from measures.versions import _store_new_version, bumps_once


def _bumps(callbacks):
    return [callback for callback in callbacks if callback is _store_new_version]


def test_the_bueros_import_saving_many_rows_moves_the_version_once(measure, django_capture_on_commit_callbacks):
    """An import saves hundreds of rows one by one in one transaction: the public pages learn of
    it once, after the commit, not once per row."""
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic(), bumps_once():
        for number in range(2, 7):
            Measure.objects.create(
                concept=measure.concept, field_of_action=measure.field_of_action, code=f"1.{number}", title="Neu"
            )
        measure.title = "Geändert"
        measure.save()

    assert len(_bumps(callbacks)) == 1


def test_an_import_that_saves_nothing_moves_no_version(measure, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic(), bumps_once():
        Measure.objects.filter(pk=measure.pk).exists()

    assert _bumps(callbacks) == []


def test_a_save_outside_an_import_moves_the_version_by_itself(measure, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic(), bumps_once():
            measure.title = "Importiert"
            measure.save()
        measure.title = "Im Admin geändert"
        measure.save()

    assert len(_bumps(callbacks)) == 2
