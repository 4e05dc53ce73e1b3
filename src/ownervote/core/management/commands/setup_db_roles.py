"""``manage.py setup_db_roles``: the application's database role (R-SEC-5), idempotently.

Connected as the owner role (``OWNERVOTE_MIGRATE_DATABASE_URL``), creates the application role
when it is missing (LOGIN, with DATABASE_URL's password when it has one; creating a role needs
CREATEROLE), then revokes what it holds and grants the plan of ``ownervote.core.dbroles``: read and
insert on the append-only tables, the DML it needs elsewhere, default privileges for tables that
later migrations add. Refuses a role that is a superuser or a member of the owner.

    OWNERVOTE_MIGRATE_DATABASE_URL=postgres://ownervote_owner:...@db/ownervote \\
    DATABASE_URL=postgres://ownervote_app:...@db/ownervote  manage.py setup_db_roles
    manage.py setup_db_roles --app-role ownervote_app     # the role by name; --dry-run prints SQL
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections, transaction

from ...dbroles import as_owner, check_role_name, grant_statements, role_problems


class Command(BaseCommand):
    help = "Create the application's database role and grant it only what R-SEC-5 allows (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--app-role",
            default=None,
            help="the application's role (default: DATABASE_URL's user when "
            "OWNERVOTE_MIGRATE_DATABASE_URL is set)",
        )
        parser.add_argument("--database", default="default")
        parser.add_argument("--dry-run", action="store_true", help="print the statements, change nothing")

    def handle(self, *args, **options):
        role = options["app_role"] or getattr(settings, "OWNERVOTE_DB_APP_ROLE", None)
        if not role:
            raise CommandError(
                "name the application's role: --app-role, or set OWNERVOTE_MIGRATE_DATABASE_URL"
            )
        try:
            check_role_name(role)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        alias = options["database"]
        if connections[alias].vendor != "postgresql":
            raise CommandError(
                "setup_db_roles is for PostgreSQL: SQLite has no roles (whoever can write its file can "
                "rewrite it; README, Production)"
            )
        # DATABASE_URL's password is the application role's: read it before switching to the owner.
        app_password = (
            connections[alias].settings_dict.get("PASSWORD")
            if role == settings.OWNERVOTE_DB_APP_ROLE
            else None
        )
        with as_owner(alias):
            self._setup(connections[alias], role, app_password, options["dry_run"])
        if options["verbosity"] >= 1 and not options["dry_run"]:
            self.stdout.write(self.style.SUCCESS(f"{role}: read and insert only on the append-only tables"))

    def _setup(self, connection, role: str, password: str | None, dry_run: bool) -> None:
        with transaction.atomic(using=connection.alias), connection.cursor() as cur:
            cur.execute("SELECT current_user")
            owner = cur.fetchone()[0]
            if role == owner:
                raise CommandError(
                    f"{role} is the role this command connects as: the application needs its own"
                )
            cur.execute("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = %s", [role])
            statements = grant_statements(connection, role)
            if cur.fetchone() is None:
                create = f"CREATE ROLE {connection.ops.quote_name(role)} LOGIN"
                statements.insert(0, create + (" PASSWORD %s" if password else ""))
                params = {0: [password] if password else None}
            else:
                params = {}
            if dry_run:
                for sql in statements:
                    self.stdout.write(sql.replace("%s", "'…'") + ";")
                transaction.set_rollback(True, using=connection.alias)
                return
            for i, sql in enumerate(statements):
                try:
                    cur.execute(sql, params.get(i))
                except DatabaseError as exc:
                    raise CommandError(
                        f"{exc}".strip() + f" (as {owner}; a missing role needs CREATEROLE: have a "
                        f"superuser run CREATE ROLE {role} LOGIN PASSWORD '...' first)"
                    ) from exc
            problems = role_problems(connection, role)
            if problems:
                raise CommandError("; ".join(problems))
