"""/api/results: the filing export of a publicised result (备案, R-DATA-1), format
``ownervote-filing/1`` documented in docs/filing-format.md."""

from __future__ import annotations

from ninja import Query, Router, Schema

from ownervote.core.schemas import ERRORS, Id
from ownervote.core.views import download

from ..services import filing

router = Router(tags=["results"])


class FilingQuery(Schema):
    version: Id | None = None


@router.get(
    "/meetings/{meeting_id}/filing",
    response={**ERRORS},
    openapi_extra={
        "responses": {200: {"content": {filing.CONTENT_TYPE: {"schema": {"type": "object"}}}}},
    },
    summary="The publicised result for filing (备案)",
)
def get_filing(request, meeting_id: Id, query: Query[FilingQuery]):
    """The publicised result in the documented filing format `ownervote-filing/1`
    (docs/filing-format.md): the meeting's and the estate's identifiers, the version's frozen
    content (items, result table with exact figures, per-flat table, Merkle root), the guidance,
    the publicity dates and the audit anchors. The latest publicised version, or `?version=n`.

    For the convener and the staff who oversee the estate (street office, district bureau, city
    operator); anybody else 404. 409 `result.not_publicised` before the first day of a publicity.
    Each export is audited (`result.filing_exported`)."""
    made = filing.filing_export(actor=request.auth, meeting_id=meeting_id, number=query.version)
    return download(made.content, made.filename, filing.CONTENT_TYPE)
