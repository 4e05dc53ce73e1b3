"""Inserting tens of thousands of rows without building a model instance per row.

``bulk_create`` costs ~0.1 ms of Python per object (model __init__, per-field preparation);
for a 20,000-flat roster (60,000 rows) that is most of the import. Here the caller gives plain
tuples; dates, datetimes and decimals are adapted by the backend's own adapters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection, models


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence], batch: int = 5000
) -> int:
    """INSERT ``rows`` (tuples in the order of ``fields``) into ``model``'s table. Every NOT NULL
    column without a database default must be among ``fields``. Returns the number of rows."""
    meta = model._meta
    qn = connection.ops.quote_name
    cols = ", ".join(qn(meta.get_field(f).column) for f in fields)
    if connection.vendor == "postgresql":
        return _copy(f"COPY {qn(meta.db_table)} ({cols}) FROM STDIN", rows)
    # Table and column names come from the model's _meta and are quoted; values are parameters.
    sql = f"INSERT INTO {qn(meta.db_table)} ({cols}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    ops = connection.ops

    plain = (str, int, bool, float, type(None))
    adapted: dict = {}  # the same "now" or "today" on every row: adapted once

    def adapt(value):
        if type(value) in plain:  # most values: no isinstance chain (100,000-row imports)
            return value
        if isinstance(value, dt.date):
            if value not in adapted:
                if isinstance(value, dt.datetime):
                    adapted[value] = ops.adapt_datetimefield_value(value)
                else:
                    adapted[value] = ops.adapt_datefield_value(value)
            return adapted[value]
        if isinstance(value, Decimal):
            return ops.adapt_decimalfield_value(value)
        return value

    count = 0
    chunk: list[tuple] = []
    with connection.cursor() as cur:
        for row in rows:
            chunk.append(tuple(map(adapt, row)))
            if len(chunk) >= batch:
                cur.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cur.executemany(sql, chunk)
            count += len(chunk)
    return count


def _copy(statement: str, rows: Iterable[Sequence]) -> int:
    """PostgreSQL: stream the rows with COPY (psycopg 3 adapts dates, decimals and None)."""
    count = 0
    with connection.cursor() as cur, cur.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


# --- several tables in one statement (PostgreSQL) ------------------------------------------------


def columns_of(model: type[models.Model], *, skip: Sequence[str] = ()) -> list[models.Field]:
    """The model's columns that an INSERT names: every concrete field but the primary key and
    ``skip`` (attnames, e.g. a foreign key the statement fills from another table)."""
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in skip]


def values_of(
    fields: Sequence[models.Field], objs: Sequence[models.Model], *, keys: Sequence[tuple] = ()
) -> tuple[str, str, list]:
    """For a hand-written ``INSERT ... SELECT ... FROM (VALUES ...)`` inside a data-modifying
    ``WITH`` on PostgreSQL: the quoted column list, the VALUES rows (each placeholder cast to its
    column's type, since a VALUES list knows no column types) and the parameters, prepared by each
    field as ``save()`` would. ``keys``: leading columns that are not the model's, ``(name, sql
    type, [one value per object])``, to join the rows to those of another table in the statement."""
    qn = connection.ops.quote_name
    names = [qn(name) for name, _type, _values in keys] + [qn(f.column) for f in fields]
    casts = [f"%s::{sql_type}" for _name, sql_type, _values in keys]
    casts += [f"%s::{f.cast_db_type(connection)}" for f in fields]
    row = "(" + ", ".join(casts) + ")"
    params: list = []
    for i, obj in enumerate(objs):
        params.extend(values[i] for _name, _type, values in keys)
        params.extend(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
    return ", ".join(names), ", ".join([row] * len(objs)), params
