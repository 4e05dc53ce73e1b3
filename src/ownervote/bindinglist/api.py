"""/api/binding-lists/: the binding list and its publication (R-BIND-3, art. 14, 29) and owners'
objections (R-BIND-4, art. 15).

The list of an estate is seen by the staff who see the estate and by its owners, bound or not
(verified); anybody else gets 404. Its convener publishes and extends it (403
`binding_list.forbidden` for others who see it) and decides objections by the publicity's last
day. Any owner of the estate, bound or not, verified, files an objection while a publication runs;
the supervising office sees those left undecided past it. Names and mobiles are always masked."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import File, Form, Router, UploadedFile
from ninja.responses import Status

from ownervote.core.errors import Forbidden
from ownervote.core.files import Upload
from ownervote.core.schemas import ERRORS, Id
from ownervote.core.views import download

from . import documents, permissions, selectors, services
from .access import access_objection
from .errors import Code
from .schemas import (
    BindingListOut,
    ObjectionDecisionIn,
    ObjectionIn,
    ObjectionOut,
    PublicationExtensionIn,
    PublicationIn,
    PublicationOut,
    WithdrawIn,
)

router = Router(tags=["bindinglist"])


def _binary(content_type: str):
    return {
        "responses": {200: {"content": {content_type: {"schema": {"type": "string", "format": "binary"}}}}}
    }


# --- the list and its publication (R-BIND-3) --------------------------------------------------


@router.get("/estates/{estate_id}", response={200: BindingListOut, **ERRORS}, summary="The binding list")
def get_list(request, estate_id: Id):
    """Every binding of the estate, active and ended: flat, masked name, masked mobile, binding
    time and status (with the end reason), and the publication shown to owners."""
    estate, rows = selectors.binding_list_for(request.auth, estate_id)
    return {
        "estate": estate,
        "publication": selectors.shown_publication(estate),
        "list_digest": selectors.list_digest(rows),
        "rows": [{**row.__dict__, "holder": row.holder} for row in rows],
    }


@router.get(
    "/estates/{estate_id}/publications",
    response={200: list[PublicationOut], **ERRORS},
    summary="Publications of the list",
)
def list_publications(request, estate_id: Id):
    return selectors.publications_for(request.auth, estate_id)


@router.post(
    "/estates/{estate_id}/publications",
    response={201: PublicationOut, **ERRORS},
    summary="Publish the list",
)
def publish(request, estate_id: Id, body: PublicationIn):
    """The convener publishes the list for at least 10 days, the first day not counted (422
    `publication.too_short`, `publication.starts_in_past`, `publication.ends_before_start`);
    409 `publication.overlap` when a live publication shares a day with it. The estate's bound
    owners are told in their inbox."""
    publication = services.publish(
        actor=request.auth,
        estate_id=estate_id,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        note=body.note,
    )
    return Status(201, publication)


@router.post(
    "/publications/{publication_id}/withdraw",
    response={200: PublicationOut, **ERRORS},
    summary="Withdraw a publication",
)
def withdraw(request, publication_id: Id, body: WithdrawIn):
    return services.withdraw(actor=request.auth, publication_id=publication_id, reason=body.reason)


@router.post(
    "/publications/{publication_id}/extend",
    response={200: PublicationOut, **ERRORS},
    summary="Extend a publication",
)
def extend(request, publication_id: Id, body: PublicationExtensionIn):
    """R-BIND-3: the convener moves a running or announced publication's end later (422
    `publication.extension_not_later`, `publication.extension_reason_required`; 409
    `publication.ended`, `publication.withdrawn`, `publication.overlap`). The earlier end is kept."""
    return services.extend(
        actor=request.auth, publication_id=publication_id, ends_on=body.ends_on, reason=body.reason
    )


@router.get(
    "/estates/{estate_id}/list.pdf",
    response={**ERRORS},
    openapi_extra=_binary(documents.PDF),
    summary="The list as PDF",
)
def list_pdf(request, estate_id: Id):
    """A4, for posting with the convener's seal; masked data. The download is logged."""
    content = services.list_pdf(actor=request.auth, estate_id=estate_id)
    return download(content, f"binding-list-{estate_id}.pdf", documents.PDF)


@router.get(
    "/estates/{estate_id}/list.xlsx",
    response={**ERRORS},
    openapi_extra=_binary(documents.XLSX),
    summary="The list as .xlsx",
)
def list_xlsx(request, estate_id: Id):
    """Masked data. The download is logged."""
    content = services.list_xlsx(actor=request.auth, estate_id=estate_id)
    return download(content, f"binding-list-{estate_id}.xlsx", documents.XLSX)


# --- objections (R-BIND-4) --------------------------------------------------------------------


@router.post("/objections", response={201: ObjectionOut, **ERRORS}, summary="Object to a binding")
def file_objection(request, body: Form[ObjectionIn], files: File[list[UploadedFile]] = None):
    """Multipart form: `binding_id`, `reason` (at least 10 characters) and optional `files`
    (images or PDF). Only while the estate's list is publicised (409 `objection.outside_publicity`),
    only against an active binding (409 `objection.binding_ended`), only by an owner with an
    active binding in the estate (403 `objection.not_owner`)."""
    uploads = [Upload.from_django(f) for f in files or ()]
    objection = services.objection_file(
        actor=request.auth, binding_id=body.binding_id, reason=body.reason, files=uploads
    )
    return Status(201, access_objection(request.auth, objection.pk))


@router.get("/objections", response={200: list[ObjectionOut], **ERRORS}, summary="Objections")
def list_objections(request, estate_id: Id | None = None):
    """What the caller may see: an owner their own objections; staff those of the estates they
    see. `estate_id` narrows to one estate."""
    return selectors.objections_for(request.auth, estate_id)


@router.get("/objections/overdue", response={200: list[ObjectionOut], **ERRORS}, summary="Overdue objections")
def overdue_objections(request):
    """R-BIND-4: for the supervising office (the street office, or the district bureau where the
    street office convened), the objections left undecided past the publicity (`decide_by`) in the
    estates whose conveners it supervises; 403 `binding_list.forbidden` for other callers."""
    if not permissions.sees_overdue_objections(request.auth):
        raise Forbidden(Code.FORBIDDEN, _("Only a street office or a district bureau sees this list."))
    return selectors.overdue_objections(request.auth)


@router.get("/objections/{objection_id}", response={200: ObjectionOut, **ERRORS}, summary="An objection")
def get_objection(request, objection_id: Id):
    return access_objection(request.auth, objection_id)


@router.post(
    "/objections/{objection_id}/decision",
    response={200: ObjectionOut, **ERRORS},
    summary="Decide an objection",
)
def decide_objection(request, objection_id: Id, body: ObjectionDecisionIn):
    """The convener records what was checked (`check_note`, required) and the outcome (422
    `objection.outcome` without one). `upheld` ends the binding (`objection_upheld`); `corrected`
    changes the name or mobile the list shows for it (422 `objection.correction_required`,
    `objection.correction_mobile`). Decided after `decide_by`, the log marks it late. The filer
    and the bound owner are told by SMS."""
    services.objection_decide(
        actor=request.auth,
        objection_id=objection_id,
        outcome=body.chosen_outcome(),
        check_note=body.check_note,
        outcome_note=body.outcome_note,
        corrected_name=body.corrected_name,
        corrected_mobile=body.corrected_mobile,
    )
    return access_objection(request.auth, objection_id)


@router.get(
    "/objections/{objection_id}/files/{file_id}",
    response={**ERRORS},
    openapi_extra=_binary("application/octet-stream"),
    summary="A file of an objection",
)
def objection_file(request, objection_id: Id, file_id: Id):
    """For whoever sees the objection; the read is logged."""
    stored, content = services.objection_file_read(
        actor=request.auth, objection_id=objection_id, file_id=file_id
    )
    return download(content, stored.name, stored.content_type or "application/octet-stream")
