from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "ownervote.verification"
    label = "verification"

    def ready(self) -> None:
        # Imported here: the checks load the face provider, whose module reads this app's models,
        # which exist once the apps are loaded; importing the module registers the deploy checks.
        from . import checks  # noqa: F401
