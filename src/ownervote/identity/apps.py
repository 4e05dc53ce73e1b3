from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "ownervote.identity"
    label = "identity"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deploy checks
