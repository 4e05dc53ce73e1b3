"""Background work of meetings, on Django's task interface (``django_tasks``, the database queue
of ``django_tasks_db``; run by ``manage.py db_worker``)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)


@task()
def open_voting(*, meeting_id: int, opens_at: str) -> str:
    """Open the voting of a publicised meeting (``services.voting_open``: R-BIND-2, R-VOTE-4).
    Enqueued on publication with ``run_after`` = the meeting's ``voting_opens_at``, and again by a
    change that moves it; ``opens_at`` is the time it was enqueued for. Harmless when that time has
    moved (the newer task opens it), when the meeting was cancelled or already opened, or when it
    runs early. Returns what it did."""
    from .models import Meeting
    from .services import voting_open

    meeting = Meeting.objects.filter(pk=meeting_id).only("status", "voting_opens_at").first()
    if meeting is None or meeting.status != Meeting.Status.PUBLISHED:
        return "not_publicised"
    if meeting.voting_opens_at != dt.datetime.fromisoformat(opens_at):
        return "moved"
    if timezone.now() < meeting.voting_opens_at:
        return "early"
    voting_open(meeting_id=meeting_id)
    log.info("voting of meeting %s opened", meeting_id)
    return "opened"
