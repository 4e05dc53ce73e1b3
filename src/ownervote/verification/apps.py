from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "ownervote.verification"
    label = "verification"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deploy checks
