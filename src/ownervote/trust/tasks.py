"""Background work of the signals, on Django's task interface (``django_tasks``, the database queue
of ``django_tasks_db``; run by ``manage.py worker``): detection every hour (R-TRUST-1)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from .detection import signals_detect

DETECTION_EVERY = dt.timedelta(hours=1)


@task()
def detect() -> dict:
    """Once an hour: every estate's signals (``detection.signals_detect``). It queues its next run
    first, so the chain survives a failure inside it."""
    _queue_next_detection()
    return signals_detect()


def _waiting_detections():
    return DBTaskResult.objects.filter(task_path=detect.module_path, status="READY")


def _queue_next_detection() -> bool:
    if _waiting_detections().exists():
        return False
    detect.using(run_after=timezone.now() + DETECTION_EVERY).enqueue()
    return True


def ensure_hourly_detection() -> bool:
    """Queue a detection now unless one is waiting (``manage.py worker`` at start, through
    ``core.periodic``). True when one was queued."""
    if _waiting_detections().exists():
        return False
    detect.enqueue()
    return True
