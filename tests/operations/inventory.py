"""What a backup must bring back: every concept, measure, status update, person and history entry.

Imported by the tests and, through ``python -m tests.operations.inventory``, by a separate process
that looks into the restored database.
"""

import json

from django.apps import apps


def inventory() -> dict[str, list]:
    """Sorted identities per model: natural keys where the model has them, else primary keys."""
    from accounts.models import User
    from measures.models import Concept, Measure, StatusUpdate

    result = {
        "concepts": sorted(Concept.objects.values_list("slug", flat=True)),
        "measures": sorted(f"{slug}/{code}" for slug, code in Measure.objects.values_list("concept__slug", "code")),
        "status_updates": [
            list(row) for row in StatusUpdate.objects.order_by("pk").values_list("pk", "measure_id", "state", "status")
        ],
        "users": [list(row) for row in User.objects.order_by("username").values_list("username", "password")],
    }
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            # Whole rows, in primary key order: the history must come back unchanged.
            columns = [field.attname for field in model._meta.concrete_fields]
            result[model._meta.label] = [
                [str(value) for value in row] for row in model.objects.order_by("pk").values_list(*columns)
            ]
    return result


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(inventory()))
