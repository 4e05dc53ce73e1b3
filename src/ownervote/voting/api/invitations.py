"""/api/voting: the opening's invitations, sent by a background job (issue 21 item 5): how far the
job got (the convener and the office supervising the meeting), and its retry once it failed (the
convener). The same shape as the result's generation job (``core.schemas.JobOut``)."""

from __future__ import annotations

from ninja import Field, Router
from ninja.responses import Status

from ownervote.core.schemas import ERRORS, Id, JobOut, job_out

from ..services import invitations

router = Router(tags=["progress"])


class InvitationJobOut(JobOut):
    """The job telling each eligible person how they vote: `done` of `total` are people told of
    people eligible (the message shared by the electronic voters counts each of them)."""

    people: int | None = Field(description="Once `done`: how many people were told.")


def _job(job, meeting_id: int) -> dict:
    return job_out(
        job, f"/api/voting/meetings/{meeting_id}/invitations/job", people=job.outcome.get("people")
    )


@router.get(
    "/meetings/{meeting_id}/invitations/job",
    response={200: InvitationJobOut, **ERRORS},
    summary="How far the invitations to vote got",
)
def invitation_job(request, meeting_id: Id):
    """The job that told each eligible person how they vote when the voting opened (the convener
    and the office supervising the meeting; 403 `progress.forbidden` for others who see it):
    `queued`, `running` (`done` of `total` people told), `done` (`people`) or `failed` (`error`, in
    Chinese). 404 `invitations.job_not_found` before the voting opened."""
    return _job(invitations.invitation_job(actor=request.auth, meeting_id=meeting_id), meeting_id)


@router.post(
    "/meetings/{meeting_id}/invitations/job/retry",
    response={202: InvitationJobOut, **ERRORS},
    summary="Retry the failed invitations to vote",
)
def retry_invitation_job(request, meeting_id: Id):
    """Resume the invitation job once it has `failed` (the convener; 403 `meeting.forbidden` for
    the supervising staff): 202 with the same job, queued again; it tells only the people not told
    yet. 404 `invitations.job_not_found` before the voting opened; 409 `job.not_failed` while it is
    queued, running or done; 409 `meeting.voting_not_open` once the voting closed."""
    job = invitations.invitation_retry(actor=request.auth, meeting_id=meeting_id)
    return Status(202, _job(job, meeting_id))
