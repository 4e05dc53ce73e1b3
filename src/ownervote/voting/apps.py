from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "ownervote.voting"
    label = "voting"

    def ready(self):
        # Imported here: an app's services and the apps below it are importable only once the
        # app registry is ready (``ready()`` runs then).
        from ownervote.bindings import signals as binding_signals
        from ownervote.core import todo
        from ownervote.meetings import signals as meeting_signals
        from ownervote.roster import signals as roster_signals

        from . import selectors
        from . import todo as voting_todos
        from .services import opening, sales

        # Voting opens at the time a publicised meeting names; meetings only says what happened.
        meeting_signals.meeting_published.connect(
            opening.on_meeting_published, dispatch_uid="voting.opening.published"
        )
        meeting_signals.meeting_changed.connect(
            opening.on_meeting_changed, dispatch_uid="voting.opening.changed"
        )
        # A held opening (R-ROSTER-1) is queued again when the convener confirms the totals.
        roster_signals.totals_confirmed.connect(
            opening.on_totals_confirmed, dispatch_uid="voting.opening.totals_confirmed"
        )
        # A roster import asks which flats hold a ballot of a meeting still voting (issue 22).
        roster_signals.flats_in_use.connect(
            selectors.flats_with_running_ballots, dispatch_uid="voting.selectors.flats_in_use"
        )
        # A person bound while voting runs (the buyer of a flat sold during it) votes it on paper
        # (R-VOTE-10, R-VOTE-4).
        binding_signals.binding_created.connect(
            sales.on_binding_created, dispatch_uid="voting.sales.binding_created"
        )
        todo.provider(voting_todos.extension_requests)
        todo.provider(voting_todos.count_sessions)
        todo.provider(voting_todos.convener_counts)
