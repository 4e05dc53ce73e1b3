from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "ownervote.orgs"
    label = "orgs"

    def ready(self) -> None:
        # Imported here: the checks read the models, which exist once the apps are loaded; importing
        # the module registers the deploy checks (Django's documented place).
        from . import checks  # noqa: F401
