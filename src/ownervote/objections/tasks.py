"""Background work of objections (``django_tasks``): the hourly sweep that sends every objection
unanswered past its last day to the street office as a complaint (R-TRUST-2)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from .services import escalate_overdue

SWEEP_EVERY = dt.timedelta(hours=1)


@task()
def sweep_objections() -> list[int]:
    """Every hour: ``services.escalate_overdue``. It queues its next run first, so the chain
    survives a failure inside it."""
    _queue_next(timezone.now() + SWEEP_EVERY)
    return escalate_overdue()


def _waiting():
    return DBTaskResult.objects.filter(task_path=sweep_objections.module_path, status="READY")


def _queue_next(at: dt.datetime) -> bool:
    if _waiting().exists():
        return False
    sweep_objections.using(run_after=at).enqueue()
    return True


def ensure_objection_sweep() -> bool:
    """Queue a sweep now unless one is waiting (``manage.py worker`` at start, ``core.periodic``)."""
    if _waiting().exists():
        return False
    sweep_objections.enqueue()
    return True
