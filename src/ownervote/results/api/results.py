"""/api/results: generating, submitting, guiding and publicising a meeting's result (art. 25-27;
R-RES-1..4), and the public result with its receipts.

The console routes are for the meeting's convener and the staff who oversee the estate (street
office, district bureau, city operator); anybody else gets 404 ``meeting.not_found``. Only the
convener closes the voting, generates, submits and publicises (403 ``result.forbidden`` for the
supervising staff); only the street office of the estate's street gives guidance (403
``result.guidance_forbidden``). The public routes need no sign-in and answer only from the first
day of the result's publicity (404 ``result.not_found`` before)."""

from __future__ import annotations

from django.core.paginator import Paginator
from ninja import File, Router, UploadedFile
from ninja.responses import Status

from ownervote.core.errors import NotFound, require
from ownervote.core.files import Upload
from ownervote.core.schemas import ERRORS, Id, job_out
from ownervote.voting.services.cast import display_code, normalise_code

from .. import texts
from ..access import Need, access_public_result, access_result, access_version
from ..errors import Code
from ..models import Result, ResultCorrection, ResultGuidance, ResultPublicity
from ..schemas import (
    CorrectionIn,
    CorrectionOut,
    GenerateIn,
    MeetingClosedOut,
    PublicityIn,
    PublicResultOut,
    ResultGuidanceIn,
    ResultGuidanceOut,
    ResultJobOut,
    ResultOut,
    ResultPublicityOut,
    ResultReceiptOut,
    ResultVersionOut,
    VersionDetailOut,
)
from ..services import corrections, generation, results

router = Router(tags=["results"])


def _publicised_ids(meeting_id: Id) -> set[int]:
    return set(ResultPublicity.objects.filter(meeting_id=meeting_id).values_list("result_id", flat=True))


def _version(r: Result, publicised: set[int]) -> dict:
    return {
        **{f: getattr(r, f) for f in ResultVersionOut.model_fields if f not in ("publicised", "corrects")},
        "publicised": r.pk in publicised,
        "corrects": corrections.corrects(r),
    }


def _correction(c: ResultCorrection | None) -> dict | None:
    if c is None:
        return None
    return {
        "id": c.pk,
        "corrects": c.corrects.number,
        "reason": c.reason,
        "opened_at": c.opened_at,
        "version": c.result.number if c.result_id else None,
        "completed_at": c.completed_at,
    }


def _after_publicity(g: ResultGuidance) -> bool:
    publicity = ResultPublicity.objects.filter(result_id=g.result_id).first()
    return publicity is not None and g.created_at >= publicity.published_at


def _guidance(g: ResultGuidance) -> dict:
    return {
        "id": g.pk,
        "version": g.result.number,
        "organisation": g.organisation.name,
        "author": g.author_real_name,
        "text": g.text,
        "created_at": g.created_at,
        "after_publicity": _after_publicity(g),
    }


def _publicity(p: ResultPublicity | None) -> dict | None:
    if p is None:
        return None
    return {
        "version": p.result.number,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "late_reason": p.late_reason,
        "published_at": p.published_at,
    }


def _overview(meeting) -> dict:
    current = results.current(meeting)
    publicised = _publicised_ids(meeting.pk)
    publicity = (
        ResultPublicity.objects.filter(result=current).select_related("result").first() if current else None
    )
    guidance = (
        ResultGuidance.objects.filter(result__meeting=meeting)
        .select_related("organisation", "result")
        .order_by("created_at", "id")
    )
    return {
        "meeting_id": meeting.pk,
        "meeting_status": meeting.status,
        "voting_closes_at": meeting.voting_closes_at,
        "can_close": results.can_close_now(meeting),
        "current": _version(current, publicised) if current else None,
        "outcome": texts.outcome_lines(current.content) if current else [],
        "result": current.content["result"] if current else None,
        "versions": [_version(r, publicised) for r in results.versions(meeting)],
        "guidance": [_guidance(g) for g in guidance],
        "guidance_open": bool(current and results.guidance_open(current)),
        "publicity": _publicity(publicity),
        "publicity_due_by": results.publicity_due_by(current) if current else None,
        "publicise_from": results.publicise_from(current) if current else None,
        "correction": _correction(corrections.open_correction(meeting)),
    }


@router.get(
    "/meetings/{meeting_id}/result", response={200: ResultOut, **ERRORS}, summary="A meeting's result"
)
def get_result(request, meeting_id: Id):
    """The current version (summary, outcome in plain sentences, tally), every version, the
    street office's guidance and the publicity. Convener and supervising staff."""
    return _overview(access_result(request.auth, meeting_id, need=Need.SEE))


@router.get(
    "/meetings/{meeting_id}/versions/{number}",
    response={200: VersionDetailOut, **ERRORS},
    summary="One version of the result",
)
def get_version(request, meeting_id: Id, number: Id):
    """One frozen version with its whole content, the per-flat table included (convener and
    supervising staff only). 404 `result.not_found` for a version that does not exist."""
    found = access_version(request.auth, meeting_id, number)
    return {**_version(found, _publicised_ids(meeting_id)), "content": found.content}


@router.post(
    "/meetings/{meeting_id}/voting-close",
    response={200: MeetingClosedOut, **ERRORS},
    summary="Close the voting",
)
def close_voting(request, meeting_id: Id):
    """The convener closes the voting once its period has passed (the system also does it by
    itself). 409 `meeting.voting_not_over` before the close, `meeting.wrong_status` unless the
    voting is open; a closed meeting stays closed (200)."""
    meeting = results.voting_close(actor=request.auth, meeting_id=meeting_id)
    return {"meeting_id": meeting.pk, "status": meeting.status, "voting_closes_at": meeting.voting_closes_at}


def _job(job, meeting_id: int) -> dict:
    return job_out(job, f"/api/results/meetings/{meeting_id}/result/job", version=job.outcome.get("number"))


@router.post(
    "/meetings/{meeting_id}/result",
    response={202: ResultJobOut, **ERRORS},
    summary="Generate the result",
)
def generate(request, meeting_id: Id, body: GenerateIn):
    """Freeze the result as a new version (R-RES-1), in the background: 202 with the job, whose
    `status_url` tells how far it got and, once `done`, the new `version`. Asked again while it is
    queued or running, the same job. Refused at once: 409 `result.voting_not_closed`,
    `result.count_open`, `result.correction_required` once the result is publicised and no
    correction is open (R-SEC-6); 422 `result.reason_required` for a second version without a
    reason. With an open correction, the new version completes it (its reason by default)."""
    job = generation.result_generation_start(actor=request.auth, meeting_id=meeting_id, reason=body.reason)
    return Status(202, _job(job, meeting_id))


@router.get(
    "/meetings/{meeting_id}/result/job",
    response={200: ResultJobOut, **ERRORS},
    summary="How far the generation of the result got",
)
def generation_job(request, meeting_id: Id):
    """The latest generation job of the meeting (convener and supervising staff): `queued`,
    `running` (`done` of `total` steps, `percent`), `done` (`version`) or `failed` (`error`, in
    Chinese). 404 `result.job_not_found` when none was asked for."""
    meeting = access_result(request.auth, meeting_id, need=Need.SEE)
    job = generation.job_of(meeting)
    require(job is not None, generation.job_missing())
    return _job(job, meeting_id)


@router.post(
    "/meetings/{meeting_id}/result/job/retry",
    response={202: ResultJobOut, **ERRORS},
    summary="Retry the failed generation of the result",
)
def retry_generation_job(request, meeting_id: Id):
    """Resume the latest generation job once it has `failed` (the convener; 403
    `result.forbidden` for the supervising staff): 202 with the same job, queued again. 404
    `result.job_not_found` when none was asked for; 409 `job.not_failed` while it is queued,
    running or done; the refusals of a new request (409 `result.count_open`, ...) at once."""
    job = generation.result_generation_retry(actor=request.auth, meeting_id=meeting_id)
    return Status(202, _job(job, meeting_id))


@router.post(
    "/meetings/{meeting_id}/result/submission",
    response={200: ResultVersionOut, **ERRORS},
    summary="Submit the result to the street office",
)
def submit(
    request,
    meeting_id: Id,
    result_scan: File[UploadedFile] = None,
    flats_scan: File[UploadedFile] = None,
):
    """Submit the current version (R-RES-2), multipart with the scans of the printed tables as
    sealed and signed: `result_scan` (the result table) and `flats_scan` (the per-flat table), each
    a PDF, JPEG or PNG; their SHA-256 is kept with the version. The supervising office may give
    guidance for 3 days. 409 `result.none`, `result.already_submitted`; 422 `result.scan_required`,
    `result.scan_type`, `file.too_large` (`details` names the field)."""
    done = results.result_submit(
        actor=request.auth,
        meeting_id=meeting_id,
        result_scan=Upload.from_django(result_scan) if result_scan else None,
        flats_scan=Upload.from_django(flats_scan) if flats_scan else None,
    )
    return _version(done, _publicised_ids(meeting_id))


@router.post(
    "/meetings/{meeting_id}/result/guidance",
    response={201: ResultGuidanceOut, **ERRORS},
    summary="Give guidance on the result",
)
def give_guidance(request, meeting_id: Id, body: ResultGuidanceIn):
    """The street office of the estate's street, within 3 days of the submission (art. 25). 403
    `result.guidance_forbidden`; 409 `result.not_submitted`, `result.guidance_closed`; 422
    `result.guidance_required`."""
    given = results.guidance_give(actor=request.auth, meeting_id=meeting_id, text=body.text)
    return Status(201, _guidance(given))


@router.post(
    "/meetings/{meeting_id}/result/publicity",
    response={201: ResultPublicityOut, **ERRORS},
    summary="Publicise the result",
)
def publicise(request, meeting_id: Id, body: PublicityIn):
    """Publicise the current, submitted version for at least 10 days (R-RES-3). 409
    `result.not_submitted`, `result.guidance_pending`, `result.already_publicised`; 422
    `result.publicity_invalid` (`details.problems`), `result.late_reason_required`."""
    done = results.result_publicise(
        actor=request.auth,
        meeting_id=meeting_id,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        late_reason=body.late_reason,
    )
    return Status(201, _publicity(done))


@router.post(
    "/meetings/{meeting_id}/result/corrections",
    response={201: CorrectionOut, **ERRORS},
    summary="Start a correction of the publicised result",
)
def start_correction(request, meeting_id: Id, body: CorrectionIn):
    """Once a version is publicised its ballots are sealed (R-SEC-6: paper counts answer 409
    `ballot.sealed`). The convener opens a correction with its reason: late paper ballots may
    then be counted, and generating the next version (`POST .../result`) completes it, marked as
    correcting the publicised version; the supervising office is told. 409 `result.not_publicised`,
    `result.correction_open`; 422 `result.correction_reason_required`."""
    started = corrections.correction_start(actor=request.auth, meeting_id=meeting_id, reason=body.reason)
    return Status(201, _correction(started))


# --- public ------------------------------------------------------------------------------------


@router.get(
    "/public/meetings/{meeting_id}/result",
    auth=None,
    response={200: PublicResultOut, **ERRORS},
    summary="The publicised result",
)
def public_result(request, meeting_id: Id, page: int = 1):
    """The publicised result (no sign-in): outcome, tally, fingerprints and one page (500) of the
    counted electronic ballots' hashes. Never how a ballot voted, never the per-flat table."""
    found = access_public_result(meeting_id)
    publicity = found.publicity
    content = found.content
    receipts = Paginator(results.counted_receipts(found.meeting).only("digest"), results.RECEIPTS_PAGE)
    current = receipts.get_page(page)
    return {
        "meeting_id": found.meeting_id,
        "title": content["meeting"]["title"],
        "estate": content["meeting"]["estate"],
        "version": found.number,
        "digest": found.digest,
        "merkle_root": found.merkle_root,
        "publicity": {"starts_on": publicity.starts_on, "ends_on": publicity.ends_on},
        "outcome": texts.outcome_lines(content),
        "items": content["items"],
        "result": content["result"],
        "guidance": [
            {
                "organisation": g.organisation.name,
                "text": g.text,
                "created_at": g.created_at,
                "after_publicity": g.created_at >= publicity.published_at,
            }
            for g in ResultGuidance.objects.filter(result=found).select_related("organisation")
        ],
        "result_scan_sha256": found.result_scan_sha256,
        "corrects": corrections.corrects(found),
        "receipts": {
            "count": receipts.count,
            "page": current.number,
            "pages": receipts.num_pages,
            "page_size": results.RECEIPTS_PAGE,
            "hashes": [s.digest for s in current.object_list],
        },
    }


@router.get(
    "/public/meetings/{meeting_id}/receipts/{code}",
    auth=None,
    response={200: ResultReceiptOut, **ERRORS},
    summary="Check a receipt in the result",
)
def public_receipt(request, meeting_id: Id, code: str):
    """Whether the ballot of this receipt (any spelling) is counted in the publicised result, and
    its ballot hash. 404 `receipt.not_found` when the meeting has no such receipt."""
    found = access_public_result(meeting_id)
    receipt = results.receipt_for(found.meeting, code)
    require(receipt is not None, NotFound(Code.RECEIPT_NOT_FOUND, results.RECEIPT_NOT_FOUND))
    return {
        "code": display_code(normalise_code(code)),
        "counted": receipt["counted"],
        "ballot_hash": receipt["submission"].digest,
        "page": receipt["page"] if receipt["counted"] else None,
    }
