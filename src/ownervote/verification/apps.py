from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "ownervote.verification"
    label = "verification"
