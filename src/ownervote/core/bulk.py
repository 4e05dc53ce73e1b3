"""Inserting tens of thousands of rows without building a model instance per row.

``bulk_create`` costs ~0.1 ms of Python per object (model __init__, per-field preparation);
for a 20,000-flat roster (60,000 rows) that is most of the import. Here the caller gives plain
tuples; dates, datetimes and decimals are adapted by the backend's own adapters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import cache

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


def saved(obj: models.Model, pk: int) -> None:
    """``obj`` as Django leaves an instance it has just inserted: its id set, no longer adding,
    of the default database. For the rows a statement here inserted and returned the ids of."""
    obj.pk = obj.id = pk
    obj._state.adding, obj._state.db = False, connection.alias


def columns_of(model: type[models.Model], *, skip: Sequence[str] = ()) -> list[models.Field]:
    """The model's columns that an INSERT names: every concrete field but the primary key and
    ``skip`` (attnames, e.g. a foreign key the statement fills from another table)."""
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in skip]


# Fields whose value of these exact types is what ``get_db_prep_save`` returns unchanged: such a
# value skips the field's preparation (a cast writes a few hundred values; that chain of calls was
# a tenth of its Python). Anything else (an enum member, a date, a decimal, JSON) is prepared.
_TEXT, _INT, _BOOL = frozenset({str, type(None)}), frozenset({int, type(None)}), frozenset({bool, type(None)})
_AS_IS = {
    models.CharField: _TEXT,
    models.TextField: _TEXT,
    models.IntegerField: _INT,
    models.BigIntegerField: _INT,
    models.SmallIntegerField: _INT,
    models.PositiveIntegerField: _INT,
    models.PositiveSmallIntegerField: _INT,
    models.PositiveBigIntegerField: _INT,
    models.AutoField: _INT,
    models.BigAutoField: _INT,
    models.BooleanField: _BOOL,
}


def _as_is(field: models.Field) -> frozenset:
    """The value types ``field`` passes unprepared (a foreign key: its target's)."""
    target = field.target_field if field.is_relation and field.many_to_one else field
    return _AS_IS.get(type(target), frozenset())


@cache
def _header(fields: tuple[models.Field, ...], keys: tuple[tuple[str, str], ...], vendor: str) -> tuple:
    """The quoted column names, each placeholder cast to its column's type, and how each field's
    value is taken (``_as_is``): the same for every statement on these fields."""
    del vendor
    qn = connection.ops.quote_name
    names = [qn(name) for name, _type in keys] + [qn(f.column) for f in fields]
    types = [sql_type for _name, sql_type in keys] + [f.cast_db_type(connection) for f in fields]
    plan = tuple((f, f.attname, _as_is(f)) for f in fields)
    return ", ".join(names), types, plan


def _prepared(plan: tuple, obj: models.Model) -> list:
    """``obj``'s values for ``plan``, as ``save()`` prepares them."""
    out = []
    for f, attname, as_is in plan:
        value = getattr(obj, attname)
        if type(value) not in as_is:
            value = f.get_db_prep_save(f.pre_save(obj, True), connection)
        out.append(value)
    return out


def values_of(
    fields: Sequence[models.Field], objs: Sequence[models.Model], *, keys: Sequence[tuple] = ()
) -> tuple[str, str, list]:
    """For a hand-written ``INSERT ... SELECT ... FROM (VALUES ...)`` inside a data-modifying
    ``WITH`` on PostgreSQL: the quoted column list, the VALUES rows (each placeholder cast to its
    column's type, since a VALUES list knows no column types) and the parameters, prepared by each
    field as ``save()`` would. ``keys``: leading columns that are not the model's, ``(name, sql
    type, [one value per object])``, to join the rows to those of another table in the statement.
    For one row or a few: the text grows with the rows (``unnest_of`` does not)."""
    names, types, plan = _header(tuple(fields), tuple((n, t) for n, t, _v in keys), connection.vendor)
    row = "(" + ", ".join(f"%s::{t}" for t in types) + ")"
    params: list = []
    for i, obj in enumerate(objs):
        params.extend(values[i] for _name, _type, values in keys)
        params.extend(_prepared(plan, obj))
    return names, ", ".join([row] * len(objs)), params


def unnest_of(
    fields: Sequence[models.Field], objs: Sequence[models.Model], *, keys: Sequence[tuple] = ()
) -> tuple[str, str, list]:
    """As ``values_of``, for many rows: the quoted column list, ``unnest(%s::type[], ...)`` (one
    array per column, to read as ``FROM unnest(...) AS v(<columns>)``) and the parameters, one
    array literal per column (``array_literal``). The statement's text and its number of
    parameters stay the same whatever the rows, so psycopg keeps it parsed and PostgreSQL keeps it
    prepared (psycopg caches no statement of more than 50 parameters: a cast of 20 items as VALUES
    rows had 180)."""
    names, types, plan = _header(tuple(fields), tuple((n, t) for n, t, _v in keys), connection.vendor)
    return names, _unnest(types), _columns(keys, len(plan), (_prepared(plan, obj) for obj in objs))


def unnest_rows(
    fields: Sequence[models.Field], rows: Iterable[Mapping[str, object]], *, keys: Sequence[tuple] = ()
) -> tuple[str, str, list]:
    """As ``unnest_of``, each row a mapping of the fields' attnames to values, so that no model
    instance is built (a cast's twenty choices): a value of a type the field would not pass as it
    is goes through the field's ``get_db_prep_save``. No ``pre_save`` runs: not for fields that
    set themselves (``auto_now``)."""
    names, types, plan = _header(tuple(fields), tuple((n, t) for n, t, _v in keys), connection.vendor)
    values = (
        [
            v if type(v := row[attname]) in as_is else f.get_db_prep_save(v, connection)
            for f, attname, as_is in plan
        ]
        for row in rows
    )
    return names, _unnest(types), _columns(keys, len(plan), values)


def _unnest(types: list[str]) -> str:
    return "unnest(" + ", ".join(f"%s::{t}[]" for t in types) + ")"


def _columns(keys: Sequence[tuple], width: int, rows: Iterable[list]) -> list:
    """The ``keys``' values and the rows' as one array literal per column."""
    columns: list[list] = [list(values) for _name, _type, values in keys]
    columns += [[] for _n in range(width)]
    start = len(keys)
    for row in rows:
        for n, value in enumerate(row, start=start):
            columns[n].append(value)
    return [array_literal(column) for column in columns]


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# How each plain type is written as an element of an array literal (PostgreSQL's "{...}" text),
# in the order a subclass is matched (bool is an int, a datetime a date).
_ELEMENT = {
    bool: lambda b: "t" if b else "f",
    int: str,
    str: _quoted,
    type(None): lambda _none: "NULL",
    Decimal: str,
    dt.datetime: lambda d: _quoted(d.isoformat()),
    dt.date: lambda d: d.isoformat(),
}
_BASE = {bool: bool, int: int, str: str.__str__}  # a choices enum's member to its plain value


def array_literal(values: list) -> str | list:
    """``values`` as one array literal of PostgreSQL's text form (``{1,NULL,"a \\"b\\""}``), to
    cast as ``%s::type[]``: psycopg sends it as it is, where a list is inspected element by element
    to choose its array type (a fifth of a cast's Python went there). The list itself, for psycopg
    to adapt, when an element is of any other type (JSON, bytes, ...)."""
    try:
        return "{" + ",".join([_ELEMENT[type(v)](v) for v in values]) + "}"
    except KeyError:  # a subclass (a choices enum's member): matched by isinstance
        pass
    out = []
    for v in values:
        kind = next((k for k in _ELEMENT if isinstance(v, k)), None)
        if kind is None:
            return values
        out.append(_ELEMENT[kind](_BASE.get(kind, lambda x: x)(v)))
    return "{" + ",".join(out) + "}"
