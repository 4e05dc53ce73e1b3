from django.apps import AppConfig

from . import checks  # noqa: F401 - registers the deploy checks (they read settings only)


class VerificationConfig(AppConfig):
    name = "ownervote.verification"
    label = "verification"
