"""Background work of meetings, on Django's task interface (``django_tasks``, the database queue
of ``django_tasks_db``; run by ``manage.py db_worker``): the daily check of the holiday calendar.
(The opening of the voting is voting's: ``ownervote.voting.services.opening.open_voting``.)"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from .selectors import beijing
from .services.calendar import calendar_watch

CALENDAR_WATCH_HOUR = 8  # the daily calendar check runs at 08:00 Beijing time


@task()
def watch_calendar() -> list[int]:
    """Once a day: tell the city operator when a year of the holiday calendar is due
    (``services.calendar_watch``, R-MTG-4). It queues its next run first, so the chain survives a
    failure inside it."""
    _queue_next_watch()
    return calendar_watch()


def _next_watch_at() -> dt.datetime:
    now = timezone.localtime(timezone.now(), beijing())
    at = now.replace(hour=CALENDAR_WATCH_HOUR, minute=0, second=0, microsecond=0)
    return at if at > now else at + dt.timedelta(days=1)


def _waiting_watches():
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
