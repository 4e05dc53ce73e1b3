"""/api/results: the result's archive (R-RES-4, art. 27), format in docs/ARCHIVE.md."""

from __future__ import annotations

from ninja import Router

from ownervote.core.schemas import ERRORS, Id
from ownervote.core.views import download

from ..services import export

router = Router(tags=["results"])


@router.get(
    "/meetings/{meeting_id}/archive",
    response={**ERRORS},
    openapi_extra={
        "responses": {200: {"content": {export.CONTENT_TYPE: {"schema": {"type": "object"}}}}},
    },
    summary="The result's archive",
)
def get_archive(request, meeting_id: Id):
    """Everything needed to recount the result without the server (docs/ARCHIVE.md): the items,
    the confirmed totals, every counted ballot under a per-meeting pseudonym with its receipt's
    ballot hash, the Merkle root and the result; check it with `python -m ownervote.verify`.

    The convener and the supervising staff (street office, district, city) get the current version
    once a result was generated (409 `result.none` before; the export is audited); an owner bound
    in the estate gets the publicised version from the first day of its publicity; anybody else
    404. 409 `result.archive_outdated` when the ballots changed after the version was generated."""
    data = export.archive_for(request.auth, meeting_id)
    return download(export.to_bytes(data), export.filename(data), export.CONTENT_TYPE)
