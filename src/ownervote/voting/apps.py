from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "ownervote.voting"
    label = "voting"

    def ready(self):
        # Imported here: an app's services and the apps below it are importable only once the
        # app registry is ready (``ready()`` runs then).
        from ownervote.meetings import signals as meeting_signals

        from .services import opening

        # Voting opens at the time a publicised meeting names; meetings only says what happened.
        meeting_signals.meeting_published.connect(
            opening.on_meeting_published, dispatch_uid="voting.opening.published"
        )
        meeting_signals.meeting_changed.connect(
            opening.on_meeting_changed, dispatch_uid="voting.opening.changed"
        )
