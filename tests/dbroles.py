"""R-SEC-5 test helpers: an application role of the test database's own, granted by
``manage.py setup_db_roles`` exactly as in production, and a block that runs as that role.

The role is created inside the test's transaction (PostgreSQL's CREATE ROLE is transactional), so
it disappears when the test ends; its name follows the test database's (one per xdist worker).
``SET LOCAL ROLE`` makes it the current user, whose privileges PostgreSQL checks exactly as for a
session that logged in as it (``.ci/run`` also logs in as a real application role)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no roles: R-SEC-5's role separation exists on PostgreSQL only (README, Production)",
)


def make_app_role() -> str:
    """The ``app_role`` fixture (tests/conftest.py): create and grant the role, return its name."""
    name = f"{connection.settings_dict['NAME']}_app".lower()[:63]
    call_command("setup_db_roles", app_role=name, verbosity=0)
    return name


@contextmanager
def as_role(role: str):
    """Run the block as ``role``, in a savepoint: an error inside rolls the block back."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"SET LOCAL ROLE {connection.ops.quote_name(role)}")
        yield cur
        cur.execute("RESET ROLE")


def refused(role: str, sql: str, params=None) -> str:
    """Run ``sql`` as ``role``; it must fail. Returns the database's message."""
    with pytest.raises(DatabaseError) as caught, as_role(role) as cur:
        cur.execute(sql, params)
    return str(caught.value)


def count(table: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - ours
        return cur.fetchone()[0]
