from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrustConfig(AppConfig):
    name = "ownervote.trust"
    verbose_name = _("Impersonation signals")

    def ready(self):
        # Imported here: the task module imports models, which exist only once the registry is ready.
        from ownervote.core import periodic

        from .tasks import ensure_hourly_detection

        # Detection every hour (R-TRUST-1).
        periodic.register(ensure_hourly_detection)
