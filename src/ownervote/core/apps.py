from django.apps import AppConfig
from django.conf import settings
from django.core.management import call_command
from django.db.models.signals import post_migrate


def grant_app_role(sender, using="default", **kwargs) -> None:
    """After ``migrate`` as the owner (R-SEC-5), grant the application role its privileges again,
    so the tables a migration added get the plan of ``ownervote.core.dbroles`` at once."""
    if using == "default" and getattr(settings, "OWNERVOTE_DB_APP_ROLE", None):
        call_command("setup_db_roles", app_role=settings.OWNERVOTE_DB_APP_ROLE, verbosity=0)


class CoreConfig(AppConfig):
    name = "ownervote.core"
    label = "core"

    def ready(self) -> None:
        # Imported here: the check reads the models (which tables are append-only), which exist once
        # the apps are loaded; importing the module registers the deploy check (Django's documented place).
        from . import (
            checks,  # noqa: F401
            jobs,
            periodic,
            retention,
        )

        # A job whose worker died is marked failed by the next worker's tick (its page offers a retry).
        periodic.register_tick(jobs.reap_stale)
        # R-SEC-7: expired sessions are deleted by the retention job (audit.retention).
        retention.eraser("session")(retention.erase_sessions)

        post_migrate.connect(grant_app_role, sender=self, dispatch_uid="ownervote.core.grant_app_role")
