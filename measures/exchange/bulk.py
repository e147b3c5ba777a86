"""Inserting the import's many rows of history: a statement per batch, a value per cell.

Django's ``bulk_create`` passes every value through the query compiler, and django-simple-history's
``bulk_history_create`` first builds a model instance per record. For the 20,000 and more history
records of a large import both cost more than checking every row of the file (bench/README.md,
„Import“). Here each value only goes through its field's own conversion (``get_db_prep_save``),
and the records hold what ``bulk_history_create`` would write: the tracked fields, date, person,
reason and type.
"""

from django.conf import settings
from django.db import connection

HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")
# Rows per statement where the database returns the new keys; PostgreSQL takes 65,535 parameters.
RETURNING_BATCH = 500


def insert(model, columns, rows, *, returning=False) -> list:
    """INSERT ``rows`` (values for the fields whose attnames ``columns`` lists) into ``model``'s table.

    Returns the new primary keys in the order of ``rows`` where ``returning`` (else ``[]``).
    """
    if not rows:
        return []
    fields = [model._meta.get_field(column) for column in columns]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    names = ", ".join(quote(field.column) for field in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = [
        [field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True)] for row in rows
    ]
    with connection.cursor() as cursor:
        if not returning:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES {placeholders}", values)  # noqa: S608 - names from the model, values as parameters
            return []
        keys = []
        size = min(RETURNING_BATCH, (connection.features.max_query_params or 65535) // len(fields))
        for start in range(0, len(values), size):
            batch = values[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholders] * len(batch))} RETURNING {pk}",  # noqa: S608 - as above
                [value for row in batch for value in row],
            )
            keys += [key for (key,) in cursor.fetchall()]
    return keys


def insert_history(model, instances, *, user, change_reason, date, update=False, returning=False) -> list:
    """One history record per instance, as django-simple-history's ``bulk_history_create`` writes it.

    Returns the records' keys where ``returning``. A history model with fields of its own beyond
    the tracked ones goes through ``bulk_history_create``.
    """
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True) or not instances:
        return []
    history = model.history.model
    tracked = [field.attname for field in history.tracked_fields]
    columns = [*tracked, *HISTORY_COLUMNS]
    stored = {field.attname for field in history._meta.concrete_fields if not field.primary_key}
    if stored != set(columns) or (returning and not connection.features.can_return_rows_from_bulk_insert):
        records = model.history.bulk_history_create(
            instances, update=update, default_user=user, default_change_reason=change_reason, default_date=date
        )
        return [record.pk for record in records]
    tags = [date, change_reason, "~" if update else "+", user.pk if user else None]
    rows = [[getattr(instance, name) for name in tracked] + tags for instance in instances]
    return insert(history, columns, rows, returning=returning)
