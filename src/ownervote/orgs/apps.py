from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "ownervote.orgs"
    label = "orgs"

    def ready(self) -> None:
        # Imported here: the sessions module reads the models, loaded once the registry is ready.
        from django.contrib.auth.signals import user_logged_in

        from ownervote.core import retention

        from . import checks, sessions  # noqa: F401 (importing checks registers the deploy checks)
        from . import retention as erasers

        # A new session gets its kind's idle limit at sign-in (orgs/sessions.py).
        user_logged_in.connect(sessions.on_sign_in, dispatch_uid="orgs.sessions.on_sign_in")
        # R-SEC-7: the sign-in throttle's records, erased by the retention job (audit.retention).
        retention.eraser("signin_attempt")(erasers.erase_signin_attempts)
        retention.eraser("signin_failure_log")(erasers.erase_signin_failure_log)
        retention.eraser("authorised_staff")(erasers.erase_authorised_staff)
