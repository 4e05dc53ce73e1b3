"""Background tasks of the outbox (Django's task interface on the database queue).

- ``deliver(message_ids)``: one try of each message that is due (``delivery.deliver_one``).
- ``sweep()``: every ``OWNERVOTE_OUTBOX["sweep_seconds"]``: takes back what a dead worker left,
  purges old SMS codes, the SMS log and finished tasks. It queues its own next run first, so the
  chain survives a crash inside it; ``ensure_sweep()`` (called by ``manage.py worker`` at start)
  starts the chain when no sweep is waiting, e.g. after a worker was killed at the wrong moment.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from . import delivery


@task()
def deliver(message_ids: list[int]) -> dict[str, int]:
    return delivery.deliver_many(message_ids)


@task()
def sweep() -> dict[str, int]:
    _queue_next_sweep(after=dt.timedelta(seconds=delivery.config()["sweep_seconds"]))
    return delivery.sweep_once()


def _waiting_sweeps():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=sweep.module_path, status="READY")


def _queue_next_sweep(*, after: dt.timedelta) -> bool:
    if _waiting_sweeps().exists():
        return False  # another chain is already waiting: the two become one
    sweep.using(run_after=timezone.now() + after).enqueue()
    return True


def ensure_sweep() -> bool:
    """Queue a sweep now unless one is already waiting. True when one was queued."""
    if _waiting_sweeps().exists():
        return False
    sweep.enqueue()
    return True
