"""/api/results: the printable tables of a result version (art. 25; R-RES-1, R-RES-2).

- ``GET /meetings/{meeting_id}/versions/{number}/{kind}.pdf`` and ``.xlsx``: kind ``result`` (the
  result table, 投票结果统计表) or ``flats`` (the per-flat table, 分户结果统计表), for the meeting's
  convener and the staff who oversee the estate; anybody else, an unknown version or kind: 404
  (``meeting.not_found``, ``result.not_found``, ``result.document_not_found``). Downloads are logged.
- ``GET /meetings/{meeting_id}/public/result.pdf``: the publicised result table, without signing in,
  from the first day of its publicity; 404 ``result.not_found`` before. The per-flat table is never
  public.
- ``GET /meetings/{meeting_id}/versions/{number}/{kind}/signed``: the scan of the table as printed,
  sealed and signed, submitted to the supervising office (R-RES-2), for the convener and the staff
  who oversee the estate (logged); ``GET /meetings/{meeting_id}/public/signed``: the publicised
  version's signed result table, for anybody.

Every table is rendered from the version's frozen content; each PDF page's footer carries the
version, its generation time and the SHA-256 of the content."""

from __future__ import annotations

from ninja import Router

from ownervote.core.schemas import ERRORS, Id
from ownervote.core.views import download

from .. import documents
from ..services import scans

router = Router(tags=["results"])


def _binary(*content_types: str) -> dict:
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"content": dict.fromkeys(content_types, binary)}}}


SCANS = ("application/pdf", "image/jpeg", "image/png")  # what a signed table's scan may be


def _version(request, meeting_id: Id, number: Id, kind: str, fmt: str):
    content, name, mime = documents.version_document(
        actor=request.auth, meeting_id=meeting_id, number=number, kind=kind, fmt=fmt
    )
    return download(content, name, mime)


@router.get(
    "/meetings/{meeting_id}/versions/{number}/{kind}.pdf",
    response={**ERRORS},
    openapi_extra=_binary(documents.PDF),
    summary="A result table as PDF",
)
def version_pdf(request, meeting_id: Id, number: Id, kind: str):
    """``kind`` is ``result`` (the result table) or ``flats`` (the per-flat table). A4 landscape, with
    the place for the convener's seal and the scrutineers' signatures; each page's footer carries the
    version, its generation time and its SHA-256."""
    return _version(request, meeting_id, number, kind, "pdf")


@router.get(
    "/meetings/{meeting_id}/versions/{number}/{kind}.xlsx",
    response={**ERRORS},
    openapi_extra=_binary(documents.XLSX),
    summary="A result table as .xlsx",
)
def version_xlsx(request, meeting_id: Id, number: Id, kind: str):
    """The same figures as the PDF: areas and counts as numbers, shares as percentages."""
    return _version(request, meeting_id, number, kind, "xlsx")


@router.get(
    "/meetings/{meeting_id}/public/result.pdf",
    auth=None,
    response={**ERRORS},
    openapi_extra=_binary(documents.PDF),
    summary="The publicised result table as PDF",
)
def public_pdf(request, meeting_id: Id):
    """For anybody, from the first day of the result's publicity (art. 26)."""
    content, name, mime = documents.public_document(meeting_id=meeting_id)
    return download(content, name, mime, private=False)


@router.get(
    "/meetings/{meeting_id}/versions/{number}/{kind}/signed",
    response={**ERRORS},
    openapi_extra=_binary(*SCANS),
    summary="The scan of a signed table",
)
def version_scan(request, meeting_id: Id, number: Id, kind: str):
    """``kind`` ``result`` or ``flats``: the scan submitted with the version (PDF, JPEG or PNG); 404
    `result.document_not_found` when the version has none."""
    content, name, mime = scans.scan_read(actor=request.auth, meeting_id=meeting_id, number=number, kind=kind)
    return download(content, name, mime)


@router.get(
    "/meetings/{meeting_id}/public/signed",
    auth=None,
    response={**ERRORS},
    openapi_extra=_binary(*SCANS),
    summary="The publicised result table as signed and sealed",
)
def public_scan(request, meeting_id: Id):
    """For anybody, from the first day of the result's publicity: the scan of the result table."""
    content, name, mime = scans.public_scan(meeting_id=meeting_id)
    return download(content, name, mime, private=False)
