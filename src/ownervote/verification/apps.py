from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "ownervote.verification"
    label = "verification"

    def ready(self) -> None:
        # Imported here: the checks load the face provider, whose module reads this app's models,
        # which exist once the apps are loaded; importing the module registers the deploy checks.
        from ownervote.core import retention

        from . import checks  # noqa: F401
        from . import retention as erasers

        # R-SEC-7: the kinds the retention job (audit.retention) erases in this app.
        retention.eraser("verification")(erasers.erase_verifications)
        retention.eraser("face_consent")(erasers.erase_face_consents)
