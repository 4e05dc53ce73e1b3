"""Statements PostgreSQL keeps prepared, for the few that every request of a rush repeats.

Django's psycopg 3 cursors bind parameters on the client: each statement is sent as text, and
PostgreSQL parses and plans it every time. That suits the ORM (any number of parameters: a
bulk insert or an ``IN`` list of 70,000 ids works), but a cast repeats the same dozen statements,
whose parse and plan were half of PostgreSQL's work a cast. ``cursor()`` gives those statements a
cursor that binds on the server, so that psycopg prepares a statement once it has run
``prepare_threshold`` times on the connection (``settings.base.postgres_options``) and PostgreSQL
skips the parse and plan from then on. Such a statement must keep its text and its number of
parameters the same whatever the rows (``core.bulk.unnest_of``), and has at most 65,535
parameters. Elsewhere (SQLite) it is Django's own cursor.

``batch()`` and ``deferred()`` save the waits between statements whose results are not needed at
once: inside ``batch()`` on PostgreSQL the statements go to the server together (psycopg's pipeline
mode) and a ``deferred`` statement's result is handed to its callback when the block ends, in the
order the statements ran; one wait for all of them instead of one each. Under load a wait is
not only latency: each is a switch from the worker to PostgreSQL and back (bench/README.md). A
statement whose result is read inside the block (``fetchall``) still waits, for itself and all
queued before it. An error of any of them is raised when the block ends, or at that read, and
fails the transaction as it would have failed alone. Elsewhere (SQLite), or outside ``batch()``,
a ``deferred`` statement runs and its callback is called at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper


class _LoggedCursor(CursorDebugWrapper):
    """While queries are logged (DEBUG, ``CaptureQueriesContext``): the statement as written, its
    parameters apart. Django's ``last_executed_query`` reads the text a client-side cursor
    composed, which a cursor binding on the server never composes."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params, use_last_executed_query=False):
            return CursorWrapper.execute(self, sql, params)


@contextmanager
def cursor() -> Iterator:
    """A cursor of the default connection, binding on the server on PostgreSQL; wrapped as
    Django wraps its own (``execute_wrapper``, query logging, errors as ``django.db`` errors)."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each read through the ``connection`` proxy is a lookup
    if db.vendor != "postgresql":
        with db.cursor() as plain:
            yield plain
        return
    wrapped = _server_bound(db)
    try:
        yield wrapped
    finally:
        wrapped.close()


def _server_bound(db) -> CursorWrapper:
    db.ensure_connection()
    db.validate_thread_sharing()
    with db.wrap_database_errors:
        raw = psycopg.Cursor(db.connection)
    return (_LoggedCursor if db.queries_logged else CursorWrapper)(raw, db)


# The statements of the ``batch()`` in progress whose callbacks wait for its end (None: no batch).
_pending: ContextVar[list | None] = ContextVar("ownervote_prepared_batch", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """The statements run inside go to PostgreSQL together; the ``deferred`` ones get their
    results when the block ends (module docstring). Nested: the outer block's. Elsewhere: nothing."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql" or _pending.get() is not None:
        yield
        return
    db.ensure_connection()
    pending: list[tuple[CursorWrapper, Callable[[Any], None]]] = []
    token = _pending.set(pending)
    try:
        # Leaving the pipeline sends a sync and reads every result; an error among them is raised
        # there, as Django raises a database error.
        with db.wrap_database_errors, db.connection.pipeline():
            yield
        _pending.reset(token)  # a callback's own statements run at once
        for wrapped, then in pending:
            then(wrapped)
    finally:
        if _pending.get() is pending:
            _pending.reset(token)
        for wrapped, _then in pending:
            wrapped.close()


def batching() -> bool:
    """A ``batch()`` is in progress on PostgreSQL: ``deferred`` callbacks wait for its end."""
    return _pending.get() is not None


def deferred(sql: str, params: Sequence, then: Callable[[Any], None]) -> None:
    """Run ``sql`` (as ``cursor()`` does) and call ``then`` with its cursor once its result is
    in: at the end of the ``batch()`` in progress, else at once. ``then`` reads the result
    (``fetchone``, ``rowcount``); it may raise, which fails the block."""
    pending = _pending.get()
    if pending is None:
        with cursor() as c:
            c.execute(sql, params)
            then(c)
        return
    wrapped = _server_bound(connections[DEFAULT_DB_ALIAS])
    pending.append((wrapped, then))
    wrapped.execute(sql, params)
