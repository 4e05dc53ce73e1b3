from django.apps import AppConfig

from ownervote.core import periodic


class NotifyConfig(AppConfig):
    name = "ownervote.notify"
    label = "notify"

    def ready(self):
        # Imported here: the tasks module reads the models, which exist once the apps are loaded.
        from .tasks import ensure_sweep

        periodic.register(ensure_sweep)
