"""For tests of any app: run the background queue in-process.

``run_worker()`` runs every task that is due, one after another, as ``manage.py db_worker
--batch`` would (tasks queued by the tasks it runs included, when they are due), and returns how
many ran. ``run_worker(at=when)`` runs them as if it were ``when`` (``timezone.now()`` answers
``when`` meanwhile): a scheduled invitation is delivered by ``run_worker(at=its not_before)`` and
not before. A task that raises makes ``run_worker`` raise ``TaskFailed`` with its traceback.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from unittest.mock import patch

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS


class TaskFailed(AssertionError):
    pass


def run_worker(*, at: dt.datetime | None = None, limit: int = 10_000) -> int:
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id="ownervote.notify.testing",
        excluded_queue_names=[],
    )
    ran = 0
    clock = patch("django.utils.timezone.now", return_value=at) if at is not None else nullcontext()
    with clock:
        while ran < limit:
            task = DBTaskResult.objects.ready().filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS).first()
            if task is None:
                break
            task.claim(worker.worker_id)
            worker.run_task(task)
            ran += 1
            done = DBTaskResult.objects.filter(pk=task.pk).values_list("status", "traceback").first()
            if done and done[0] == "FAILED":
                raise TaskFailed(f"task {task.task_path} failed:\n{done[1]}")
    return ran
