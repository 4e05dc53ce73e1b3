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


CALENDAR_WATCH_HOUR = 8  # the daily calendar check runs at 08:00 Beijing time


@task()
def watch_calendar() -> list[int]:
    """Once a day: tell the city operator when a year of the holiday calendar is due
    (``services.calendar_watch``, R-MTG-4). It queues its next run first, so the chain survives a
    failure inside it."""
    from .services import calendar_watch

    _queue_next_watch()
    return calendar_watch()


def _next_watch_at() -> dt.datetime:
    from .selectors import beijing

    now = timezone.localtime(timezone.now(), beijing())
    at = now.replace(hour=CALENDAR_WATCH_HOUR, minute=0, second=0, microsecond=0)
    return at if at > now else at + dt.timedelta(days=1)


def _waiting_watches():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=watch_calendar.module_path, status="READY")


def _queue_next_watch() -> bool:
    if _waiting_watches().exists():
        return False
    watch_calendar.using(run_after=_next_watch_at()).enqueue()
    return True


def ensure_calendar_watch() -> bool:
    """Queue a calendar check now unless one is waiting (``manage.py worker`` at start, through
    ``core.periodic``). True when one was queued."""
    if _waiting_watches().exists():
        return False
    watch_calendar.enqueue()
    return True
