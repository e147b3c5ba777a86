"""Sheets whose rows are matched by several cells together: a milestone by its measure and
title, a target by its indicator and date, a value by its indicator, date and group.

The key is a tuple; a row that leaves a part of it empty has no key (it is reported by the
cell's own check and never counts as a repeat of another row).
"""

from django.utils import timezone

from .bulk import insert_history
from .resources import SheetResource
from .writing import BATCH


class KeyedSheetResource(SheetResource):
    def key_parts(self, row) -> tuple:
        raise NotImplementedError

    def key_of_row(self, row):
        parts = self.key_parts(row)
        return None if any(part in (None, "") for part in parts) else parts

    def row_label(self, row) -> str:
        """How the preview names the row (its column „Nr. / Name“)."""
        raise NotImplementedError

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.code = self.row_label(row)
        return row_result

    def write_with_history(self, pending) -> None:
        """Save the rows as the admin would, in bulk: the importing person and the import's reason
        in one history record per row (bulk writes send no signals; the import moves the public
        data version on once, after all sheets)."""
        model, now = self._meta.model, timezone.now()
        tags = {"user": self.context.user, "change_reason": self.context.change_reason, "date": now}
        created = [instance for instance, is_create, *_rest in pending if is_create]
        model.objects.bulk_create(created, batch_size=BATCH)
        insert_history(model, [instance.pk for instance in created], **tags)
        changed = [
            (instance, changes) for instance, is_create, _relations, _before, changes in pending if not is_create
        ]
        if changed:
            attributes = {item.column_name: item.attribute for item in self.fields.values() if item.attribute}
            names = sorted({attributes[change.column] for _instance, changes in changed for change in changes})
            updated = [instance for instance, _changes in changed]
            if names:
                model.objects.bulk_update(updated, names, batch_size=BATCH)
            insert_history(model, [instance.pk for instance in updated], update=True, **tags)
        self.written += len(pending)
