from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrustConfig(AppConfig):
    name = "ownervote.trust"
    verbose_name = _("Impersonation signals")

    def ready(self) -> None:
        # Imported here: these modules import models, which exist only once the app registry is
        # ready (``ready()`` runs then).
        from ownervote.core import periodic, todo

        from . import todo as signal_todos
        from .tasks import ensure_hourly_detection

        todo.provider(signal_todos.open_signals)
        # Detection every hour (R-TRUST-1).
        periodic.register(ensure_hourly_detection)
