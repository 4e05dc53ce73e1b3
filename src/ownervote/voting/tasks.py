"""Background work of voting, on Django's task interface (``django_tasks``, the database queue of
``django_tasks_db``; run by ``manage.py db_worker``)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from ownervote.meetings.models import Meeting

from .services.progress import voting_close

log = logging.getLogger(__name__)


@task()
def close_voting(*, meeting_id: int, closes_at: str) -> str:
    """Close the voting of a meeting (``services.progress.voting_close``). Enqueued when voting
    opens with ``run_after`` = ``voting_closes_at``, and again by an approved extension (R-VOTE-5);
    ``closes_at`` is the time it was enqueued for. Harmless when that time has moved (the newer
    task closes it), when the meeting is no longer voting, or when it runs early. Returns what it
    did."""
    meeting = Meeting.objects.filter(pk=meeting_id).only("status", "voting_closes_at").first()
    if meeting is None or meeting.status != Meeting.Status.VOTING:
        return "not_voting"
    if meeting.voting_closes_at != dt.datetime.fromisoformat(closes_at):
        return "moved"
    if timezone.now() < meeting.voting_closes_at:
        return "early"
    voting_close(meeting_id=meeting_id)
    log.info("voting of meeting %s closed", meeting_id)
    return "closed"


def enqueue_close(meeting) -> None:
    """The close of the voting at ``meeting.voting_closes_at``. With the database queue the task
    row is written in the caller's transaction (it exists exactly when the opening or the approval
    commits); another backend gets it after the commit."""
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    job = close_voting.using(run_after=meeting.voting_closes_at)
    kwargs = {"meeting_id": meeting.pk, "closes_at": meeting.voting_closes_at.isoformat()}
    if isinstance(task_backends[close_voting.backend], DatabaseBackend):
        job.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: job.enqueue(**kwargs))
