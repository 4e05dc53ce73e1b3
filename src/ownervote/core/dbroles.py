"""R-SEC-5 on PostgreSQL: two database roles.

- The *owner* role owns every table; migrations run as it (``OWNERVOTE_MIGRATE_DATABASE_URL``,
  ``manage.py migrate``), and ``manage.py setup_db_roles`` grants from it.
- The *application* role (``DATABASE_URL``) owns nothing and may only read and append to the
  append-only tables: no UPDATE, DELETE, TRUNCATE, TRIGGER or REFERENCES, so it can neither
  rewrite nor empty the audit log and the ballots, nor switch their triggers off (ALTER TABLE and
  DROP TRIGGER need ownership). On the other tables it has the DML it needs.

Which tables are append-only is read from two places, and the narrower wins: the models
(``AppendOnlyModel``: read and insert only) and the database (a table whose row trigger runs
``ownervote_refuse_change`` on UPDATE or DELETE loses that privilege; so the audit chain heads,
which move forward, keep UPDATE but not DELETE). The tables of a database cache
(``settings.CACHES``, ``manage.py createcachetable``: production's, which the registration limiter
counts in) are the application's to change. Other tables of no model (``django_migrations``) are
read-only to the application.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.db import connections

from .appendonly import AppendOnlyModel

READ = ("SELECT",)
APPEND = ("SELECT", "INSERT")
FULL = ("SELECT", "INSERT", "UPDATE", "DELETE")
# What the application role must never hold on an append-only table.
FORBIDDEN_ON_APPEND_ONLY = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES")

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# pg_trigger.tgtype bits: ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16.
_REFUSING_TRIGGERS = """
SELECT c.relname, bit_or(t.tgtype::int)
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE p.proname = 'ownervote_refuse_change' AND n.nspname = current_schema() AND NOT t.tgisinternal
GROUP BY c.relname
"""
_TABLES = """
SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname
"""


def check_role_name(name: str) -> str:
    if not ROLE_NAME.match(name or ""):
        raise ValueError(f"not a plain PostgreSQL role name: {name!r} (lower-case letters, digits, _)")
    return name


def model_privileges() -> dict[str, tuple[str, ...]]:
    """Table name -> what the application role may do there, by the models alone."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        out[model._meta.db_table] = APPEND if issubclass(model, AppendOnlyModel) else FULL
    for cache in settings.CACHES.values():
        if cache.get("BACKEND", "").endswith(".DatabaseCache"):
            out[cache["LOCATION"]] = FULL
    return out


def table_privileges(connection) -> dict[str, tuple[str, ...]]:
    """Every table of the current schema -> the application role's privileges on it."""
    by_model = model_privileges()
    with connection.cursor() as cur:
        cur.execute(_TABLES)
        tables = [row[0] for row in cur.fetchall()]
        cur.execute(_REFUSING_TRIGGERS)
        refused = {name: bits for name, bits in cur.fetchall()}
    plan = {}
    for table in tables:
        privileges = by_model.get(table, READ)
        bits = refused.get(table, 0)
        plan[table] = tuple(
            p for p in privileges if not (p == "UPDATE" and bits & 16) and not (p == "DELETE" and bits & 8)
        )
    return plan


def append_only_tables(connection) -> list[str]:
    return sorted(t for t, p in table_privileges(connection).items() if p == APPEND)


def grant_statements(connection, app_role: str) -> list[str]:
    """Idempotent: revoke everything the application role holds, then grant the plan. Default
    privileges give tables a later migration creates SELECT and INSERT only (the safe side for
    an append-only table) until ``setup_db_roles`` runs again (``migrate`` runs it itself when
    ``OWNERVOTE_MIGRATE_DATABASE_URL`` is set)."""
    q = connection.ops.quote_name
    role = q(check_role_name(app_role))
    with connection.cursor() as cur:
        cur.execute("SELECT current_schema(), current_database(), current_user")
        schema, database, owner = cur.fetchone()
    schema, database, owner = q(schema), q(database), q(owner)
    sql = [
        f"GRANT CONNECT ON DATABASE {database} TO {role}",
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
    ]
    for table, privileges in sorted(table_privileges(connection).items()):
        sql.append(f"GRANT {', '.join(privileges)} ON TABLE {q(table)} TO {role}")
    default = f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}"
    sql += [
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"{default} REVOKE ALL ON TABLES FROM {role}",
        f"{default} GRANT SELECT, INSERT ON TABLES TO {role}",
        f"{default} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
    return sql


def role_problems(connection, role: str | None = None) -> list[str]:
    """What makes ``role`` (by default the connection's own) able to rewrite the append-only
    tables: superuser, owner (or member of the owner) of one, or a privilege it must not hold."""
    with connection.cursor() as cur:
        if role is None:
            cur.execute("SELECT current_user")
            role = cur.fetchone()[0]
        cur.execute("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = %s", [role])
        row = cur.fetchone()
        if row is None:
            return [f"role {role} does not exist"]
        if row[0]:
            return [f"role {role} is a superuser"]
        problems = []
        for table in append_only_tables(connection):
            cur.execute(
                "SELECT pg_catalog.pg_has_role(%s, c.relowner, 'MEMBER') FROM pg_catalog.pg_class c "
                "WHERE c.oid = pg_catalog.to_regclass(%s)",
                [role, connection.ops.quote_name(table)],
            )
            if cur.fetchone()[0]:
                problems.append(f"role {role} owns {table} (or is a member of its owner)")
                continue
            held = []
            for privilege in FORBIDDEN_ON_APPEND_ONLY:
                cur.execute(
                    "SELECT pg_catalog.has_table_privilege(%s, %s, %s)",
                    [role, connection.ops.quote_name(table), privilege],
                )
                if cur.fetchone()[0]:
                    held.append(privilege)
            if held:
                problems.append(f"role {role} may {', '.join(held)} on {table}")
    return problems


@contextmanager
def as_owner(alias: str = "default"):
    """Within the block, connection ``alias`` uses the owner role's credentials of
    ``OWNERVOTE_MIGRATE_DATABASE_URL`` (the same database); outside it, the application's. Does
    nothing when that variable is not set (development, tests, a single-role deployment)."""
    owner = getattr(settings, "OWNERVOTE_DB_OWNER", None)
    if not owner or alias != "default":
        yield
        return
    connection = connections[alias]
    saved = {key: connection.settings_dict.get(key) for key in owner}
    connection.close()
    connection.settings_dict.update(owner)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)
