from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrustConfig(AppConfig):
    name = "ownervote.trust"
    verbose_name = _("Impersonation signals")

    def ready(self) -> None:
        # Imported here: these modules import models, which exist only once the app registry is
        # ready (``ready()`` runs then).
        from ownervote.core import periodic, retention, todo
        from ownervote.objections.events import objection_raised

        from . import receivers
        from . import todo as signal_todos
        from .retention import erase_signals
        from .tasks import ensure_hourly_detection

        todo.provider(signal_todos.open_signals)
        # "I never voted" raises a disowned-ballot signal at once (R-TRUST-2, R-TRUST-1).
        objection_raised.connect(receivers.disowned_ballot, dispatch_uid="trust.disowned_ballot")
        # Detection every hour (R-TRUST-1).
        periodic.register(ensure_hourly_detection)
        # R-SEC-7: signals of meetings long ended, anonymised by the retention job.
        retention.eraser("signal")(erase_signals)
