"""/api/complaints/: owners' complaints to the street office about the voting (R-SEC-4, rules
art. 5(5)).

An owner of the estate, bound or not, files a complaint (403 `complaint.not_owner` for anybody
else) and reads their own. The handling office (the street office of the estate's street, or its
district bureau where the street office convened) reads its queue, accepts or declines within 15
days and concludes within 60 days of acceptance (the 《信访工作条例》's limits, counted as the Civil
Code counts periods). Only it sees who complained (masked; in clear through `.../contact`, logged).
District bureaus and the city operator read the figures and the overdue complaints, without
identities. A complaint the caller may not see is 404."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Router, UploadedFile
from ninja.responses import Status

from ownervote.core.dbrouter import reads_from_replica
from ownervote.core.errors import Forbidden
from ownervote.core.files import Upload
from ownervote.core.schemas import ERRORS, Id
from ownervote.core.views import download

from . import permissions, selectors, services
from .access import access_complaint
from .errors import Code
from .schemas import (
    AcceptIn,
    ComplaintFiguresOut,
    ComplaintIn,
    ComplaintOut,
    ConcludeIn,
    ContactOut,
    DeclineIn,
    ExtendIn,
    complaint_out,
)

router = Router(tags=["complaints"])


def _out(request, complaint_id: Id) -> dict:
    return complaint_out(request.auth, access_complaint(request.auth, complaint_id), timezone.localdate())


@router.post("", response={201: ComplaintOut, **ERRORS}, summary="Complain to the street office")
def file_complaint(request, body: Form[ComplaintIn], files: File[list[UploadedFile]] = None):
    """Multipart form: `estate_id`, `subject` (`meeting`, `binding`, `ballot`, `count`),
    `meeting_id` (for a meeting, a ballot or the count), `text` (at least 10 characters) and up to 5
    `files` (JPEG, PNG or PDF; 422 `complaint.file_type` otherwise). The complainant is told by SMS
    when the office must decide by (`accept_by`)."""
    uploads = [Upload.from_django(f) for f in files or ()]
    complaint = services.complaint_file(
        actor=request.auth,
        estate_id=body.estate_id,
        subject=body.subject,
        meeting_id=body.meeting_id,
        text=body.text,
        files=uploads,
    )
    return Status(201, _out(request, complaint.pk))


@router.get("/mine", response={200: list[ComplaintOut], **ERRORS}, summary="My complaints")
def my_complaints(request):
    today = timezone.localdate()
    return [
        complaint_out(request.auth, c, today) for c in selectors.mine(request.auth).prefetch_related("files")
    ]


@router.get(
    "/queue", response={200: list[ComplaintOut], **ERRORS}, summary="The handling office's complaints"
)
def queue(request, status: str = ""):
    """Overdue first, then open ones by their deadline, then the closed ones. 403
    `complaint.forbidden` for anybody but street offices and district bureaus."""
    if not permissions.handles_complaints(request.auth):
        raise Forbidden(Code.FORBIDDEN, _("Only a street office or a district bureau handles complaints."))
    today = timezone.localdate()
    return [
        complaint_out(request.auth, c, today)
        for c in selectors.queue(request.auth, status=status, today=today)
    ]


@router.get("/oversight", response={200: ComplaintFiguresOut, **ERRORS}, summary="Complaints' figures")
@reads_from_replica
def oversight(request, division_id: Id | None = None):
    """Counts by status, overdue counts, a row per child division and the overdue complaints, for
    a district bureau or the city operator within its division (403 otherwise, 404 for a division
    outside it). No identity."""
    if not permissions.can_oversee(request.auth):
        raise Forbidden(
            Code.FORBIDDEN, _("Only a district bureau or the city operator sees the complaints' figures.")
        )
    f = selectors.figures(request.auth, division_id=division_id)
    return {
        "division_id": f.division.pk,
        "division_name": f.division.name,
        "total": f.total,
        "by_status": f.by_status,
        "overdue_accept": f.overdue_accept,
        "overdue_conclude": f.overdue_conclude,
        "overdue": [
            {
                "id": c.pk,
                "estate_id": c.estate_id,
                "estate_name": c.estate.name,
                "subject": c.subject,
                "status": c.status,
                "filed_at": c.filed_at,
                "due_by": c.last_day,
                "days_late": c.days_late,
                "handler_kind": c.handler_kind,
                "handler_division_id": c.handler_division_id,
            }
            for c in f.overdue
        ],
        "divisions": [
            {
                "division_id": r["division"].pk,
                "name": r["division"].name,
                "total": r["total"],
                "open": r["open"],
                "overdue": r["overdue"],
            }
            for r in f.rows
        ],
    }


@router.get("/{complaint_id}", response={200: ComplaintOut, **ERRORS}, summary="A complaint")
def get_complaint(request, complaint_id: Id):
    """Its complainant and its handling office; the complainant's masked name and mobile only for
    the latter."""
    return _out(request, complaint_id)


@router.post("/{complaint_id}/accept", response={200: ComplaintOut, **ERRORS}, summary="Accept a complaint")
def accept(request, complaint_id: Id, body: AcceptIn):
    """The handling office; `conclude_by` is set 60 days from today. 409 `complaint.already_decided`."""
    services.complaint_accept(actor=request.auth, complaint_id=complaint_id, note=body.note)
    return _out(request, complaint_id)


@router.post("/{complaint_id}/decline", response={200: ComplaintOut, **ERRORS}, summary="Decline a complaint")
def decline(request, complaint_id: Id, body: DeclineIn):
    """The handling office, with the `reason` (422 `complaint.reason_required`)."""
    services.complaint_decline(actor=request.auth, complaint_id=complaint_id, reason=body.reason)
    return _out(request, complaint_id)


@router.post(
    "/{complaint_id}/extend", response={200: ComplaintOut, **ERRORS}, summary="Extend the time limit"
)
def extend(request, complaint_id: Id, body: ExtendIn):
    """The handling office extends the time limit to conclude an accepted complaint, once, by 30
    days, with the `reason` the complainant is told (《信访工作条例》). 409 `complaint.already_extended`,
    `complaint.extension_too_late` (after the last day), `complaint.not_accepted`; 422
    `complaint.reason_required`."""
    services.complaint_extend(actor=request.auth, complaint_id=complaint_id, reason=body.reason)
    return _out(request, complaint_id)


@router.post(
    "/{complaint_id}/conclude", response={200: ComplaintOut, **ERRORS}, summary="Conclude a complaint"
)
def conclude(request, complaint_id: Id, body: ConcludeIn):
    """The handling office records `investigation` and `outcome` of an accepted complaint (409
    `complaint.not_accepted` otherwise)."""
    services.complaint_conclude(
        actor=request.auth, complaint_id=complaint_id, investigation=body.investigation, outcome=body.outcome
    )
    return _out(request, complaint_id)


@router.post(
    "/{complaint_id}/contact", response={200: ContactOut, **ERRORS}, summary="Who complained, in clear"
)
def contact(request, complaint_id: Id):
    """The handling office only (403); every read is written to the audit log."""
    return services.complainant_contact(actor=request.auth, complaint_id=complaint_id)


@router.get(
    "/{complaint_id}/files/{file_id}",
    response={**ERRORS},
    openapi_extra={
        "responses": {
            200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
        }
    },
    summary="A file of a complaint",
)
def complaint_file(request, complaint_id: Id, file_id: Id):
    """For its complainant and its handling office; the read is logged."""
    stored, content = services.complaint_file_read(
        actor=request.auth, complaint_id=complaint_id, file_id=file_id
    )
    return download(content, stored.name, stored.content_type or "application/octet-stream")
