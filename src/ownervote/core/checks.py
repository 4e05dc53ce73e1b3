"""Deployment check (``manage.py check --deploy``): production must not connect as a role that can
rewrite the append-only tables (R-SEC-5). PostgreSQL only: SQLite has no roles."""

from __future__ import annotations

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError, connections

from .dbroles import role_problems

HINT = (
    "Run the application as its own role: DATABASE_URL for the application role, "
    "OWNERVOTE_MIGRATE_DATABASE_URL for the owner, then manage.py setup_db_roles (README, Production)."
)


@register(Tags.database, deploy=True)  # not "security": that tag runs without a database
def database_role_check(app_configs=None, databases=None, **kwargs) -> list[Warning]:
    # As Django's own database checks: only when asked for (`check --database default`), so that a
    # check without a database (tests, builds) never connects.
    if not databases or "default" not in databases:
        return []
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return []
    try:
        problems = role_problems(connection)
    except DatabaseError as exc:
        return [Warning(f"could not read the database role's privileges: {exc}", id="core.W002")]
    return [
        Warning(f"The application can rewrite the append-only tables: {p}.", hint=HINT, id="core.W001")
        for p in problems
    ]
