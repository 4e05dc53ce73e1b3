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
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
    db.ensure_connection()
    db.validate_thread_sharing()
    with db.wrap_database_errors:
        raw = psycopg.Cursor(db.connection)
    wrapped = (_LoggedCursor if db.queries_logged else CursorWrapper)(raw, db)
    try:
        yield wrapped
    finally:
        wrapped.close()
