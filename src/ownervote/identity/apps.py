from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "ownervote.identity"
    label = "identity"

    def ready(self) -> None:
        # Imported here: the checks read the SMS backend's models, which exist once the apps are
        # loaded; importing the module registers the deploy checks (Django's documented place).
        from django.contrib.auth.signals import user_logged_in

        from ownervote.orgs import signals as org_signals

        from . import (
            checks,  # noqa: F401
            eldermode,
            registration,
        )

        user_logged_in.connect(eldermode.carry_to_account, dispatch_uid="identity.eldermode.carry_to_account")

        org_signals.registration_received.connect(
            registration.tell_applicant, dispatch_uid="identity.registration.tell_applicant"
        )
