"""Generating the result in the background (R-RES-1; issue 21): at 50,000 flats the content takes
10 to 27 s, too long for the convener's request.

- ``result_generation_start`` (the button and the API): who may and whether it can be done now are
  checked at once (``results.generate_preconditions``: the same refusals as ``result_generate``),
  the request is recorded in the audit log (``result.generation_requested``) and a background job
  (``core.jobs``, kind ``result.generate``) is queued with ``generate_result``. A second click while
  it is queued or running gets the same job back, and nothing is recorded again.
- ``generate_result`` (the worker): ``results.result_generate`` as the person who asked, reporting
  its steps as the job's progress; its own audit event, the supervising office's message and the
  per-flat PDF's prerender are as before. A refusal found then (a count opened meanwhile) fails the
  job with its message; the button may start it again.
- ``result_generation_retry`` (the retry button and the API): a failed job (a refusal found by the
  worker, or a worker that died under it: ``core.jobs.reap_stale``) queued again with its reason,
  the refusals checked at once as for a new one; recorded as ``result.generation_retried``. The
  generation is one transaction, so nothing of a failed run is kept: the retry computes it whole.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from ownervote.audit.services import record
from ownervote.core import jobs
from ownervote.core.errors import NotFound, require
from ownervote.core.models import BackgroundJob

from ..access import Need, access_result
from ..errors import Code
from . import results

KIND = "result.generate"


def job_of(meeting) -> BackgroundJob | None:
    """The latest generation job of the meeting (queued, running, or how the last one ended)."""
    return jobs.latest(KIND, meeting)


def result_generation_start(*, actor, meeting_id: int, reason: str = "") -> BackgroundJob:
    """Queue the generation of a new version (R-RES-1): the refusals of ``result_generate`` at once
    (409 ``result.voting_not_closed``, ``result.count_open``, ``result.correction_required``; 422
    ``result.reason_required``), else the job, new or the one already queued or running."""
    asked = results._clean(reason)
    with transaction.atomic():
        meeting = access_result(actor, meeting_id, need=Need.MANAGE, lock=True)
        found = jobs.active(KIND, meeting)
        if found is not None:
            return found
        results.generate_preconditions(meeting, asked)
        job, created = jobs.start(
            kind=KIND, target=meeting, actor=actor, task=generate_result, params={"reason": asked}
        )
        if created:
            record(
                actor=actor,
                action="result.generation_requested",
                obj=meeting,
                estate_id=meeting.estate_id,
                summary={"meeting": meeting.pk, "job": job.pk, "reason": asked},
            )
    return job


def job_missing() -> NotFound:
    return NotFound(Code.JOB_NOT_FOUND, _("No result has been asked for yet."))


def result_generation_retry(*, actor, meeting_id: int) -> BackgroundJob:
    """Resume the meeting's failed generation job (the convener): 404 ``result.job_not_found``
    when none was asked for, 409 ``job.not_failed`` unless the latest one failed, then the
    refusals of ``result_generate`` as for a new request (the job's own reason)."""
    with transaction.atomic():
        meeting = access_result(actor, meeting_id, need=Need.MANAGE, lock=True)
        job = job_of(meeting)
        require(job is not None, job_missing())
        if job.status == job.Status.FAILED:
            results.generate_preconditions(meeting, job.params.get("reason", ""))
        job = jobs.retry(job, generate_result)
        record(
            actor=actor,
            action="result.generation_retried",
            obj=meeting,
            estate_id=meeting.estate_id,
            summary={"meeting": meeting.pk, "job": job.pk, "retries": job.retries},
        )
    return job


def _work(job: BackgroundJob, report: jobs.Progress) -> dict:
    report(0, results.BUILD_STEPS)
    made = results.result_generate(
        actor=job.requested_by,
        meeting_id=job.target_id,
        reason=job.params.get("reason", ""),
        progress=report,
    )
    return {
        "number": made.number,
        "url": reverse("results:version", args=[made.meeting_id, made.number]),
    }


@task()
def generate_result(*, job_id: int) -> str:
    """The worker's half of ``result_generation_start``; harmless when run twice (the job runs once)."""
    return jobs.run(job_id, _work)
