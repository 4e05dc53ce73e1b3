from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "ownervote.orgs"
    label = "orgs"

    def ready(self) -> None:
        # Importing the module registers the deploy checks (Django's documented place).
        from . import checks  # noqa: F401
