"""Inserting the import's many rows of links and history: a statement per batch.

Django's ``bulk_create`` passes every value through the query compiler, and django-simple-history's
``bulk_history_create`` first builds a model instance per record. For the 20,000 and more history
records of a large import both cost more than checking every row of the file (bench/README.md,
„Import“). Here a plain row's values only go through their field's own conversion
(``get_db_prep_save``), and a history record is copied from its row inside the database, with what
``bulk_history_create`` would write beside it: date, reason, type and person.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")
# Rows per statement where the database returns the new keys; PostgreSQL takes 65,535 parameters.
RETURNING_BATCH = 500


def db_connection():
    """The connection itself: ``django.db.connection`` is a proxy that finds it anew on every use,
    and field conversions use it once per value."""
    return connections[DEFAULT_DB_ALIAS]


def insert(model, columns, rows, *, returning=False) -> list:
    """INSERT ``rows`` (values for the fields whose attnames ``columns`` lists) into ``model``'s table.

    Returns the new primary keys in the order of ``rows`` where ``returning`` (else ``[]``).
    """
    if not rows:
        return []
    connection = db_connection()
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


def insert_history(model, keys, *, user, change_reason, date, update=False, returning=False) -> dict:
    """One history record per row of ``model`` with a primary key in ``keys``, as django-simple-history's
    ``bulk_history_create`` writes it, but copied inside the database from the row as stored: no
    value passes through Python. Returns ``{row pk: record pk}`` where ``returning``.

    A history model with fields of its own beyond the tracked ones goes through ``bulk_history_create``.
    """
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True) or not keys:
        return {}
    connection = db_connection()
    history = model.history.model
    tracked = history.tracked_fields
    stored = {field.attname for field in history._meta.concrete_fields if not field.primary_key}
    if stored != {*(field.attname for field in tracked), *HISTORY_COLUMNS} or (
        returning and not connection.features.can_return_rows_from_bulk_insert
    ):
        records = model.history.bulk_history_create(
            model.objects.filter(pk__in=keys),
            update=update,
            default_user=user,
            default_change_reason=change_reason,
            default_date=date,
        )
        return {record.id: record.pk for record in records}
    quote = connection.ops.quote_name
    columns = [quote(field.column) for field in tracked]
    tags = [
        history._meta.get_field(name).get_db_prep_save(value, connection)
        for name, value in zip(
            HISTORY_COLUMNS, (date, change_reason, "~" if update else "+", user.pk if user else None), strict=True
        )
    ]
    pk = quote(model._meta.pk.column)
    keys = list(keys)
    records = {}
    with connection.cursor() as cursor:
        for start in range(0, len(keys), RETURNING_BATCH):
            batch = keys[start : start + RETURNING_BATCH]
            sql = (
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}, "  # noqa: S608 - names from the models, values as parameters
                f"{', '.join(quote(name) for name in HISTORY_COLUMNS)}) "
                f"SELECT {', '.join(columns)}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {pk} IN ({', '.join(['%s'] * len(batch))})"
            )
            if returning:
                sql += f" RETURNING {quote(history._meta.get_field('id').column)}, {quote(history._meta.pk.column)}"
            cursor.execute(sql, [*tags, *batch])
            if returning:
                records.update(cursor.fetchall())
    return records
