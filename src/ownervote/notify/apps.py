from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "ownervote.notify"
    label = "notify"

    def ready(self):
        from ownervote.core import periodic

        from .tasks import ensure_sweep

        periodic.register(ensure_sweep)
