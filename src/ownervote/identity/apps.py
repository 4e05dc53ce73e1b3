from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "ownervote.identity"
    label = "identity"

    def ready(self) -> None:
        # Imported here: the checks read the SMS backend's models, which exist once the apps are
        # loaded; importing the module registers the deploy checks (Django's documented place).
        from . import checks  # noqa: F401
