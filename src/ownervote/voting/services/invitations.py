"""The opening's invitations as the convener follows them (issue 21 item 5): when the voting opens,
a background job (``opening.tell_voters``, kind ``voting.invite``) tells each eligible person how
they vote; the meeting's page and the API show how far it got (``invitation_job``: people told of
people eligible).

A run that failed (an error, or a worker that died under it: ``core.jobs.reap_stale``) is resumed
by the convener (``invitation_retry``, the page's button and the API) while the voting is open: the
same job queued again, which skips the people already told (``job.done``); the outbox sends each
(event, person) once besides, so nobody gets the invitation twice. Recorded in the audit log as
``meeting.invitations_retried``."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core import jobs
from ownervote.core.errors import Conflict, NotFound, require
from ownervote.core.models import BackgroundJob
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Meeting

from ..access import Need, access_voting
from ..errors import Code
from .opening import tell_voters


def job_missing() -> NotFound:
    return NotFound(Code.INVITATION_JOB_NOT_FOUND, _("The voting has not opened: nobody was told yet."))


def invitation_job(*, actor, meeting_id: int) -> BackgroundJob:
    """The meeting's invitation job, for the convener and the office supervising the meeting
    (``Need.WATCH``: 403 ``progress.forbidden`` for others who see the meeting); 404
    ``invitations.job_not_found`` before the voting opened."""
    meeting = access_voting(actor, meeting_id, need=Need.WATCH)
    job = meeting_selectors.invite_job(meeting)
    require(job is not None, job_missing())
    return job


def invitation_retry(*, actor, meeting_id: int) -> BackgroundJob:
    """Resume the failed invitation job (the convener: 403 ``meeting.forbidden`` for others who see
    the meeting): 404 ``invitations.job_not_found`` before the voting opened, 409
    ``meeting.voting_not_open`` once it closed (the message says it is open), 409
    ``job.not_failed`` while the job is queued, running or done."""
    with transaction.atomic():
        meeting = access_voting(actor, meeting_id, need=Need.RUN, lock=True)
        job = meeting_selectors.invite_job(meeting)
        require(job is not None, job_missing())
        require(
            meeting.status == Meeting.Status.VOTING,
            Conflict(
                Code.VOTING_NOT_OPEN,
                _("The voting is closed: the invitations to vote can no longer be sent."),
            ),
        )
        job = jobs.retry(job, tell_voters)
        record(
            actor=actor,
            action="meeting.invitations_retried",
            obj=meeting,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                "job": job.pk,
                "told": job.done,
                "people": job.total,
                "retries": job.retries,
            },
        )
    return job
