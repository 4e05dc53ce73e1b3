from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ownervote.audit"
    label = "audit"

    def ready(self):
        # Imported here: the task module imports models, which exist only once the registry is ready.
        from ownervote.core import periodic

        from .chainer import chain_pending
        from .tasks import ensure_daily_anchor, ensure_daily_erase

        periodic.register(ensure_daily_anchor)
        periodic.register(ensure_daily_erase)
        periodic.register_tick(chain_pending)
