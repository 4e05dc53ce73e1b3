"""Background jobs: long work a person asked for, done by the worker, with its progress shown.

The service behind a button checks who may and whether it can be done now (its refusals are
immediate), records the request in the audit log, and calls ``start`` in its transaction: a new
``BackgroundJob`` (queued) and its task, or the job already queued or running on the same object
(the constraint ``core_job_one_active`` makes a second click, even a concurrent one, get the first
job back instead of doing the work twice). The task calls ``run``: the job is marked running, the
work reports its progress through the callback it is given (each report commits on its own, so a
page polling the job sees it move), and the job ends done with its outcome, or failed with the
refusal's message in the site's language (the button may then start it again).

A failed job can be resumed (``retry``, behind each kind's own service, which checks who may and
records it in the audit log): the same job is queued again with the progress it reached, and its
work starts from ``job.done`` (work that must not be done twice, such as a message, is also
deduplicated where it is written). Each progress report is the job's heartbeat: a job still running
with no heartbeat for ``OWNERVOTE_JOB_STALE_SECONDS`` lost its worker (killed, the machine
restarted), and the next worker's tick (``reap_stale``) marks it failed, so that it no longer holds
the one active place of its kind and its page offers the retry.

``enqueue`` queues a task as the project does everywhere: with the database queue the task row is
written in the caller's transaction (it exists exactly when the request commits); another backend
gets it after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from .errors import Code, Conflict, ServiceError, require
from .models import BackgroundJob

log = logging.getLogger(__name__)

Job = BackgroundJob
Progress = Callable[[int, int], None]


def label(target: models.Model) -> str:
    return target._meta.label_lower


def enqueue(task, **kwargs) -> None:
    if isinstance(task_backends[task.backend], DatabaseBackend):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs))


def active(kind: str, target: models.Model) -> Job | None:
    return Job.objects.filter(
        kind=kind, target_type=label(target), target_id=target.pk, status__in=Job.ACTIVE
    ).first()


def latest(kind: str, target: models.Model) -> Job | None:
    return (
        Job.objects.filter(kind=kind, target_type=label(target), target_id=target.pk)
        .order_by("-created_at", "-pk")
        .first()
    )


def start(*, kind: str, target: models.Model, actor, task, params: dict | None = None) -> tuple[Job, bool]:
    """In the caller's transaction: the job queued or running for ``kind`` on ``target``
    (``(job, False)``), or a new one with ``task`` queued for it (``task(job_id=...)``; ``(job,
    True)``). A concurrent request inserting the same job waits for the first one's commit, then
    finds its job (the partial unique constraint, on SQLite and PostgreSQL alike)."""
    found = active(kind, target)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                target_type=label(target),
                target_id=target.pk,
                requested_by=actor if getattr(actor, "pk", None) else None,
                params=params or {},
            )
    except IntegrityError:
        found = active(kind, target)
        if found is None:  # the other job ended between the insert and this read: a real conflict
            raise
        return found, False
    enqueue(task, job_id=job.pk)
    return job, True


def _claim(job_id: int) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Job.Status.QUEUED:
            return None  # gone, or a retried task of a job already run
        job.status, job.started_at = Job.Status.RUNNING, timezone.now()
        job.heartbeat_at = job.started_at
        job.save(update_fields=["status", "started_at", "heartbeat_at"])
    return job


def progress(job_id: int, done: int, total: int) -> None:
    """Record how far a running job got (committed at once, outside any transaction of the work's),
    and that its worker is alive (the heartbeat ``reap_stale`` looks at)."""
    total = max(total, 0)
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
        done=min(max(done, 0), total), total=total, heartbeat_at=timezone.now()
    )


def retry(job: Job, task) -> Job:
    """In the caller's transaction (which has locked the job's object and checked who may): the
    failed ``job`` queued again with ``task``, keeping how far it got (``done`` of ``total``), so its
    work resumes there. 409 ``job.not_failed`` for a job queued, running or done."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    require(
        job.status == Job.Status.FAILED,
        Conflict(Code.JOB_NOT_FAILED, _("Only work that failed can be retried; this one has not failed.")),
    )
    job.status, job.error = Job.Status.QUEUED, ""
    job.started_at = job.heartbeat_at = job.finished_at = None
    job.retries += 1
    job.save(update_fields=["status", "error", "started_at", "heartbeat_at", "finished_at", "retries"])
    enqueue(task, job_id=job.pk)
    return job


STALE_ERROR = _("The background worker stopped during this work. Retry it: it resumes where it stopped.")


def reap_stale(now: dt.datetime | None = None) -> int:
    """A worker tick (``core.periodic``): every job still running whose last heartbeat is older than
    ``OWNERVOTE_JOB_STALE_SECONDS`` lost its worker; it is marked failed with a message saying so
    (its progress kept, for the retry to resume from). Safe from two workers at once (one UPDATE).
    Returns how many were marked."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.OWNERVOTE_JOB_STALE_SECONDS)
    stale = Job.objects.filter(status=Job.Status.RUNNING).filter(
        models.Q(heartbeat_at__lt=cutoff) | models.Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    if not stale.exists():
        return 0  # every tick, on a quiet table: one read, no write
    with translation.override(settings.LANGUAGE_CODE):
        error = str(STALE_ERROR)
    marked = stale.update(status=Job.Status.FAILED, finished_at=now, error=error)
    if marked:
        log.warning("%s background job(s) had no heartbeat since %s: marked failed", marked, cutoff)
    return marked


def _end(job_id: int, **fields) -> None:
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(finished_at=timezone.now(), **fields)


def run(job_id: int, work: Callable[[Job, Progress], dict]) -> str:
    """Run ``work(job, report)`` for a queued job; ``report(done, total)`` records its progress. A
    ``ServiceError`` (the state changed since the request: someone else did it, a count was opened)
    fails the job with its message; any other error fails it with a generic message and is raised
    again (the task fails, its traceback kept). Returns "done", "failed" or "skipped"."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    with translation.override(settings.LANGUAGE_CODE):
        try:
            outcome = work(job, lambda done, total: progress(job.pk, done, total))
        except ServiceError as exc:
            _end(job.pk, status=Job.Status.FAILED, error=str(exc.message))
            log.info("job %s (%s) refused: %s", job.pk, job.kind, exc.code)
            return "failed"
        except Exception:
            _end(job.pk, status=Job.Status.FAILED, error=gettext("The work failed unexpectedly. Try again."))
            raise
    done = Job.objects.filter(pk=job.pk).values_list("total", flat=True).first() or 1
    _end(job.pk, status=Job.Status.DONE, done=done, total=done, outcome=outcome or {})
    return "done"
