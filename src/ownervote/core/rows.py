"""Model instances from a hand-written SELECT, as the ORM would have built them.

A statement on the path every request of a rush takes (the cast) reads several tables at once
with plain index lookups; compiling the same through the ORM (``select_related`` over four tables)
cost more Python than the statement's round trip. ``instance`` turns a slice of such a row into
the model instance the rest of the code expects: each value goes through the backend's converters
(SQLite hands back dates as text and decimals as floats), and the fields not read are deferred, so
that touching one later reads it rather than seeing a wrong default.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

from . import prepared


@cache
def _plan(model: type[models.Model], fields: tuple[str, ...], vendor: str) -> tuple[list[str], list[tuple]]:
    """The attnames in the model's concrete order, and for each the position of its value in the
    caller's order with its converters (``vendor`` keys the cache: one process, one backend)."""
    del vendor
    meta = model._meta
    wanted = {meta.get_field(name).attname: i for i, name in enumerate(fields)}
    ordered, steps = [], []
    for field in meta.concrete_fields:
        if field.attname not in wanted:
            continue
        col = field.get_col(meta.db_table)
        converters = [*connection.ops.get_db_converters(col), *field.get_db_converters(connection)]
        ordered.append(field.attname)
        steps.append((wanted[field.attname], col, converters))
    if len(ordered) != len(fields):
        raise ValueError(f"{model.__name__}: unknown or repeated fields in {fields}")
    return ordered, steps


def converted(model: type[models.Model], fields: Sequence[str], values: Sequence, db=None) -> list:
    """``values`` (one per name of ``fields``: field names or attnames) converted as the ORM
    converts what it reads, in the model's field order. ``db``: the default connection itself,
    when the caller has it (each attribute read through the ``connection`` proxy costs a
    context-local lookup, and a cast converts a few dozen values)."""
    db = db or connections[DEFAULT_DB_ALIAS]
    out = []
    for index, col, converters in _plan(model, tuple(fields), db.vendor)[1]:
        value = values[index]
        for convert in converters:
            value = convert(value, col, db)
        out.append(value)
    return out


def instance(model: type[models.Model], fields: Sequence[str], values: Sequence) -> models.Model:
    """``model`` built from ``values`` (one per name of ``fields``, in any order), converted as
    the ORM converts what it reads; every other field deferred."""
    db = connections[DEFAULT_DB_ALIAS]
    ordered = _plan(model, tuple(fields), db.vendor)[0]
    return model.from_db(db.alias, ordered, converted(model, fields, values, db))


@cache
def _select(model: type[models.Model], related: tuple[str, ...], vendor: str) -> tuple[str, list[tuple]]:
    """The statement reading one row of ``model`` by primary key with its ``related`` foreign
    keys' rows joined, and for each model read: (model, attnames, first column, the foreign key)."""
    del vendor
    qn = connection.ops.quote_name
    meta = model._meta
    parts = [(model, None, "t0")]
    for n, name in enumerate(related, start=1):
        parts.append((meta.get_field(name).related_model, meta.get_field(name), f"t{n}"))
    columns, joins, layout, start = [], [], [], 0
    for part, fk, alias in parts:
        names = [f.attname for f in part._meta.concrete_fields]
        columns += [f"{alias}.{qn(f.column)}" for f in part._meta.concrete_fields]
        if fk is not None:
            target = qn(fk.target_field.column)
            joins.append(f"JOIN {qn(part._meta.db_table)} {alias} ON {alias}.{target} = t0.{qn(fk.column)}")
        layout.append((part, names, start, fk))
        start += len(names)
    # Names come from the models' _meta and are quoted; the key is a parameter.
    sql = (
        f"SELECT {', '.join(columns)} FROM {qn(meta.db_table)} t0 {' '.join(joins)} "  # noqa: S608
        f"WHERE t0.{qn(meta.pk.column)} = %s"
    )
    return sql, layout


def by_pk(model: type[models.Model], pk, *, related: Sequence[str] = ()) -> models.Model | None:
    """The row ``pk`` of ``model`` with its ``related`` (non-null foreign keys) joined and cached,
    as ``model.objects.select_related(*related).filter(pk=pk).first()`` returns it, without the
    ORM compiling the query again on every call (a plain statement: prepared once per
    connection). None when there is no such row or ``pk`` is not a key."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return None
    if not -(2**63) <= key < 2**63:  # beyond a 64-bit key: no row (SQLite would overflow)
        return None
    sql, layout = _select(model, tuple(related), connection.vendor)
    with prepared.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    objs = []
    for part, names, start, fk in layout:
        obj = instance(part, names, row[start : start + len(names)])
        if fk is not None:
            fk.set_cached_value(objs[0], obj)
        objs.append(obj)
    return objs[0]
