"""Sheets whose rows are matched by several cells together: a milestone by its measure and
title, a target by its indicator and date, a value by its indicator, date and group.

The key is a tuple; a row that leaves a part of it empty has no key (it is reported by the
cell's own check and never counts as a repeat of another row).
"""

from .resources import SheetResource


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

    def save_with_history(self, instance) -> None:
        """Save as the admin would: the importing person and the import's reason in the history."""
        instance._history_user = self.context.user
        instance._change_reason = self.context.change_reason
        instance.save()
        self.written += 1
