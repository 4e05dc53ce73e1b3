"""Downloads of the printable result tables (art. 25; R-RES-1, R-RES-2).

- ``version_pdf`` / ``version_xlsx``: ``/console/meetings/<id>/result/v<n>/<kind>.pdf|.xlsx``, kind
  ``result`` (投票结果统计表) or ``flats`` (分户结果统计表), for the convener and the staff who oversee
  the estate (``access.access_version``); anybody else, an unknown version or kind: 404.
  Every download is logged.
- ``public_pdf``: ``/p/meetings/<id>/result/result.pdf``, the publicised result table for anybody,
  from the first day of its publicity (``access.access_public_result``). Never the per-flat table.
- ``version_scan``: ``/console/meetings/<id>/result/v<n>/<kind>/signed``, the scan of the table as
  printed, sealed and signed, submitted to the supervising office (R-RES-2): the convener and the
  staff who oversee the estate; logged. ``public_scan``: ``/p/meetings/<id>/result/signed``, the
  publicised version's signed result table, for anybody (never the per-flat one).
"""

from __future__ import annotations

from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ownervote.core.views import console_view, download

from .. import documents
from ..services import scans


def _version(request, meeting_id: int, number: int, kind: str, fmt: str):
    content, name, mime = documents.version_document(
        actor=request.user, meeting_id=meeting_id, number=number, kind=kind, fmt=fmt
    )
    return download(content, name, mime)


@console_view
@never_cache
@require_GET
def version_pdf(request, meeting_id, number, kind):
    return _version(request, meeting_id, number, kind, "pdf")


@console_view
@never_cache
@require_GET
def version_xlsx(request, meeting_id, number, kind):
    return _version(request, meeting_id, number, kind, "xlsx")


@require_GET
def public_pdf(request, meeting_id):
    content, name, mime = documents.public_document(meeting_id=meeting_id)
    return download(content, name, mime, private=False)


@console_view
@never_cache
@require_GET
def version_scan(request, meeting_id, number, kind):
    content, name, mime = scans.scan_read(actor=request.user, meeting_id=meeting_id, number=number, kind=kind)
    return download(content, name, mime)


@require_GET
def public_scan(request, meeting_id):
    content, name, mime = scans.public_scan(meeting_id=meeting_id)
    return download(content, name, mime, private=False)
