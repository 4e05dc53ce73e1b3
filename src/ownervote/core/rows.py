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
def _parts(model: type[models.Model], related: tuple[str, ...], vendor: str) -> tuple[str, str, list[tuple]]:
    """The select list and the FROM clause (``t0`` the model's table, ``t1``... each of its
    ``related`` foreign keys' tables joined), and for each model read: (model, attnames, first
    column, the foreign key)."""
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
    return ", ".join(columns), f"{qn(meta.db_table)} t0 {' '.join(joins)}", layout


@cache
def _select(model: type[models.Model], related: tuple[str, ...], vendor: str) -> str:
    """The statement reading one row of ``model`` by primary key with its ``related`` rows."""
    columns, tables, _layout = _parts(model, related, vendor)
    pk = connection.ops.quote_name(model._meta.pk.column)
    # Names come from the models' _meta and are quoted; the key is a parameter.
    return f"SELECT {columns} FROM {tables} WHERE t0.{pk} = %s"  # noqa: S608


def joined(model: type[models.Model], related: Sequence[str] = ()) -> tuple[str, str, int]:
    """For a hand-written statement that reads a row of ``model`` with its ``related`` rows and
    more: the select list to put first, the FROM clause to start with (``t0`` is ``model``'s
    table) and the number of columns of that list; ``from_row`` builds the instances back."""
    columns, tables, layout = _parts(model, tuple(related), connection.vendor)
    _part, names, start, _fk = layout[-1]
    return columns, tables, start + len(names)


def from_row(model: type[models.Model], row: Sequence, related: Sequence[str] = ()) -> models.Model:
    """The instance of ``model`` (its ``related`` rows cached on it) from the first columns of
    ``row``, read with ``joined``'s select list."""
    objs = []
    for part, names, start, fk in _parts(model, tuple(related), connection.vendor)[2]:
        obj = instance(part, names, row[start : start + len(names)])
        if fk is not None:
            fk.set_cached_value(objs[0], obj)
        objs.append(obj)
    return objs[0]


def key_of(pk) -> int | None:
    """``pk`` as a 64-bit key; None when it is not one (no row has it; SQLite would overflow)."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return None
    return key if -(2**63) <= key < 2**63 else None


def by_pk(model: type[models.Model], pk, *, related: Sequence[str] = ()) -> models.Model | None:
    """The row ``pk`` of ``model`` with its ``related`` (non-null foreign keys) joined and cached,
    as ``model.objects.select_related(*related).filter(pk=pk).first()`` returns it, without the
    ORM compiling the query again on every call (a plain statement: prepared once per
    connection). None when there is no such row or ``pk`` is not a key."""
    key = key_of(pk)
    if key is None:
        return None
    with prepared.cursor() as cursor:
        cursor.execute(_select(model, tuple(related), connection.vendor), [key])
        row = cursor.fetchone()
    return None if row is None else from_row(model, row, related)
