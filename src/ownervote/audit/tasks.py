"""Background work of the audit log, on Django's task interface (``django_tasks``, the database
queue of ``django_tasks_db``; run by ``manage.py worker``): the daily anchor of every chain head
(R-SEC-5, ``anchors.anchor_daily``), shortly after midnight Beijing time, and the nightly
retention job (R-SEC-7, ``retention.erase_expired``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from .anchors import anchor_daily
from .retention import erase_expired

ANCHOR_AT = dt.time(0, 10)  # Beijing time: each day's anchor is taken as the day begins


@task()
def anchor_heads() -> int:
    """Once a day: keep each stream's head as the day's anchor. It queues its next run first, so
    the chain survives a failure inside it; a second run on the same day adds nothing."""
    _queue_next()
    return anchor_daily()


def _next_at() -> dt.datetime:
    now = timezone.localtime(timezone.now())
    at = dt.datetime.combine(now.date(), ANCHOR_AT, tzinfo=now.tzinfo)
    return at if at > now else at + dt.timedelta(days=1)


def _waiting():
    return DBTaskResult.objects.filter(task_path=anchor_heads.module_path, status="READY")


def _queue_next() -> bool:
    if _waiting().exists():
        return False
    anchor_heads.using(run_after=_next_at()).enqueue()
    return True


def ensure_daily_anchor() -> bool:
    """Queue an anchoring now unless one is waiting (``manage.py worker`` at start, through
    ``core.periodic``): the day's anchor is taken even when the worker starts after 00:10. True
    when one was queued."""
    if _waiting().exists():
        return False
    anchor_heads.enqueue()
    return True


# --- R-SEC-7: the nightly retention job (audit.retention) -------------------------------------

ERASE_AT = dt.time(3, 30)  # Beijing time: the quiet hours


@task()
def erase_expired_daily() -> dict[str, int]:
    """Once a night: erase or anonymise what has expired. It queues its next run first, so the
    chain survives a failure inside it; a second run the same night changes nothing."""
    _queue_next_erase()
    return erase_expired()


def _waiting_erase():
    return DBTaskResult.objects.filter(task_path=erase_expired_daily.module_path, status="READY")


def _queue_next_erase() -> bool:
    if _waiting_erase().exists():
        return False
    now = timezone.localtime(timezone.now())
    at = dt.datetime.combine(now.date(), ERASE_AT, tzinfo=now.tzinfo)
    erase_expired_daily.using(run_after=at if at > now else at + dt.timedelta(days=1)).enqueue()
    return True


def ensure_daily_erase() -> bool:
    """Queue a retention run now unless one is waiting (``manage.py worker`` at start, through
    ``core.periodic``). True when one was queued."""
    if _waiting_erase().exists():
        return False
    erase_expired_daily.enqueue()
    return True
