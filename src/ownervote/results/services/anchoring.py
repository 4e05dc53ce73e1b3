"""The audit chain heads a result version and an archive carry (R-SEC-5, ``audit.anchors``).

A version freezes its estate's chain head in its content (``audit_heads``, covered by its result
hash and shown on the public result page); an archive carries the head as it is when exported.
Both are also kept as anchors in the audit app, so that ``verify_audit`` checks the log still
extends them; the copies people keep (the printed hash, the page, the archive file) are what a
rewrite of the database cannot reach.
"""

from __future__ import annotations

from ownervote.audit.anchors import heads_of_estate, keep
from ownervote.audit.models import AuditAnchor

from ..models import Result


def heads_now(estate_id: int) -> list[dict]:
    """The estate's chain head(s) as they are now: ``[{"stream", "seq", "hash"}]``."""
    return heads_of_estate(estate_id)


def keep_version_heads(result: Result) -> None:
    """Keep the heads frozen in ``result``'s content as anchors (in the caller's transaction)."""
    heads = result.content.get("audit_heads") or ()
    keep(kind=AuditAnchor.Kind.RESULT, heads=heads, ref=f"result:{result.pk}")


def keep_archive_heads(result: Result, data: dict) -> None:
    """Keep the heads an exported archive of ``result`` carries as anchors."""
    keep(kind=AuditAnchor.Kind.ARCHIVE, heads=data.get("audit_heads") or (), ref=f"result:{result.pk}")
