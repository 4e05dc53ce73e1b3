"""``manage.py probe_db_roles``: prove, connected as DATABASE_URL's role, that the application
cannot erase or rewrite the append-only tables (R-SEC-5, R-SEC-2, R-SEC-3), and that it can still
do its work. Every attempt runs in a transaction that is rolled back: safe on a live database.

Tried on every append-only table (read from ``ownervote.core.dbroles``): TRUNCATE, with and
without ``ownervote.allow_truncate``, UPDATE, DELETE, ALTER TABLE ... DISABLE TRIGGER, DROP TRIGGER;
then an audit event is recorded and chained (and rolled back). Exits non-zero when one tampering succeeds, the
role holds a privilege it must not, or the event cannot be recorded. ``.ci/run`` runs it.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

from ownervote.core.dbroles import append_only_tables, role_problems

from ...chainer import chain_stream
from ...models import AuditHead
from ...services import record

_TRIGGERS = """
SELECT t.tgname FROM pg_catalog.pg_trigger t
WHERE t.tgrelid = pg_catalog.to_regclass(%s) AND NOT t.tgisinternal
"""
_FIRST_COLUMN = (
    "SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass(%s) AND attnum = 1"
)


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Prove that the database role of DATABASE_URL may only read and append to the append-only tables."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("probe_db_roles is for PostgreSQL: SQLite has no roles (README, Production)")
        with connection.cursor() as cur:
            cur.execute("SELECT current_user")
            me = cur.fetchone()[0]
        failures = [f"privilege: {p}" for p in role_problems(connection)]
        tables = append_only_tables(connection)
        # The chain heads move forward (UPDATE is the application's), but are never deleted.
        attempts = [sql for t in tables for sql in self._attempts(t)]
        attempts += [sql for sql in self._attempts(AuditHead._meta.db_table) if not sql.startswith("UPDATE")]
        for sql in attempts:
            if self._succeeds(sql):
                failures.append(f"not refused: {sql}")
            else:
                self.stdout.write(f"refused   {sql}")
        failures += self._normal_work()
        if failures:
            raise CommandError(f"{me} can rewrite the append-only tables:\n  " + "\n  ".join(failures))
        self.stdout.write(
            self.style.SUCCESS(
                f"{me}: read and insert only on {len(tables)} append-only tables ({', '.join(tables)})"
            )
        )

    def _attempts(self, table: str) -> list[str]:
        q = connection.ops.quote_name(table)
        with connection.cursor() as cur:
            cur.execute(_TRIGGERS, [q])
            triggers = [row[0] for row in cur.fetchall()]
            cur.execute(_FIRST_COLUMN, [q])
            column = connection.ops.quote_name(cur.fetchone()[0])
        # Table and column names come from the catalogue, quoted: no user input reaches the SQL.
        return [
            f"TRUNCATE {q}",
            f"SET LOCAL ownervote.allow_truncate = on; TRUNCATE {q}",
            f"UPDATE {q} SET {column} = {column}",  # noqa: S608
            f"DELETE FROM {q}",  # noqa: S608
            f"ALTER TABLE {q} DISABLE TRIGGER USER",
            *(f"DROP TRIGGER {connection.ops.quote_name(t)} ON {q}" for t in triggers),
        ]

    def _succeeds(self, sql: str) -> bool:
        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql)
                raise _Rollback
        except _Rollback:
            return True
        except DatabaseError:
            return False

    def _normal_work(self) -> list[str]:
        try:
            with transaction.atomic():
                event = record(actor="system", action="probe.db_roles", object_type="probe")
                linked = chain_stream(event.stream)  # what the worker's chainer does
                raise _Rollback
        except _Rollback:
            pass
        except DatabaseError as exc:
            return [f"cannot record an audit event: {exc}"]
        self.stdout.write(f"recorded  audit event {event.stream}, chained {linked} (rolled back)")
        return []
