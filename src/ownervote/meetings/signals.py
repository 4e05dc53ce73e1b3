"""What happens to a meeting, for the apps above meetings to act on (they connect receivers in
their ``AppConfig.ready()``; meetings imports none of them). Each is sent inside the service's
transaction, after the change is written: a receiver's writes commit or roll back with it, and a
receiver that raises refuses the change.

- ``meeting_published(meeting, publicity)``: the meeting was publicised (R-MTG-3). Voting
  schedules its opening at ``meeting.voting_opens_at`` (``voting.services.opening``).
- ``meeting_changed(meeting, version, publicity, voting_opens_at_was)``: an entered meeting was
  changed as a new version (R-MTG-6); ``publicity`` is the new publicity when it was publicised
  again, else None; ``voting_opens_at_was`` the opening time before the change.
- ``meeting_cancelled(meeting, was)``: the meeting was cancelled; ``was`` its status before.
"""

from __future__ import annotations

from django.dispatch import Signal

meeting_published = Signal()
meeting_changed = Signal()
meeting_cancelled = Signal()
