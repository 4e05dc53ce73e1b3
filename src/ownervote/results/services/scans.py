"""The signed tables (art. 25; R-RES-2): the result table and the per-flat table as printed, sealed by
the convener and signed by the caller, counter and scrutineer, scanned and uploaded with the
submission to the street office (``results.result_submit``).

- ``checked``: a scan is a PDF, a PNG or a JPEG, sniffed from its content (never the client's
  word), not empty and no larger than ``OWNERVOTE_MAX_UPLOAD_BYTES``; else 422 ``result.scan_type``
  / ``file.too_large``. A missing scan is 422 ``result.scan_required``.
- ``attach``: both scans stored encrypted (``core.files``) on the version, with their SHA-256.
- ``scan_read``: a scan of a version, for the convener and the staff who oversee the estate (the
  supervising office among them); ``public_scan``: the publicised version's signed result table,
  for anybody from the publicity's first day (never the per-flat table). Every download is logged.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core import files
from ownervote.core.errors import InvalidInput, NotFound, require
from ownervote.core.files import Upload

from ..access import access_public_result, access_version
from ..errors import Code
from ..models import Result
from ..tables.common import doc_title

RESULT, FLATS = "result", "flats"
KINDS = (RESULT, FLATS)
FIELDS = {RESULT: "result_scan", FLATS: "flats_scan"}
LABELS = {
    RESULT: _("the signed result table"),
    FLATS: _("the signed per-flat table"),
}
_TYPES = (files.PDF, files.PNG, files.JPEG)  # by the content (core.files.typed); PDFs whole
EXTENSIONS = {files.PDF: "pdf", files.PNG: "png", files.JPEG: "jpg"}


def checked(kind: str, upload: Upload | None) -> Upload:
    """``upload`` as a scan of ``kind``, its type sniffed; refused when missing or not a scan."""
    field = FIELDS[kind]
    require(
        upload is not None and len(upload.content) > 0,
        InvalidInput(
            Code.SCAN_REQUIRED,
            _("Upload the scan of %(what)s, sealed and signed by the scrutineers (art. 25).")
            % {"what": LABELS[kind]},
            details={field: "required"},
        ),
    )
    refused = InvalidInput(
        Code.SCAN_TYPE,
        _("%(name)s is not a PDF or a photo (JPEG or PNG): upload the scan of %(what)s.")
        % {"name": upload.name, "what": LABELS[kind]},
        details={field: "pdf, png or jpeg"},
    )
    return files.typed(upload, _TYPES, refused=refused)


def attach(result: Result, *, actor, uploads: dict[str, Upload]) -> None:
    """Store both checked scans on ``result`` (not saved: the caller saves with the submission)."""
    for kind in KINDS:
        try:
            stored = files.store(uploads[kind], uploaded_by=actor)
        except InvalidInput as exc:  # too large: said of the field it belongs to
            raise InvalidInput(exc.code, exc.message, details={FIELDS[kind]: "too large"}) from exc
        setattr(result, FIELDS[kind], stored)
        setattr(result, f"{FIELDS[kind]}_sha256", stored.sha256)


def filename(result: Result, kind: str) -> str:
    """``碧海花园-投票结果统计表-签章版-v1.pdf``: the estate, the table, signed, the version."""
    estate = "".join(ch for ch in result.content["meeting"]["estate"] if ch not in '\\/:*?"<>|').strip()
    stored = getattr(result, FIELDS[kind])
    ext = EXTENSIONS.get(stored.content_type, "bin")
    signed = gettext("signed copy")
    return f"{estate}-{doc_title(kind)}-{signed}-v{result.number}.{ext}"


def _scan_of(result: Result, kind: str):
    require(kind in KINDS, NotFound(Code.DOCUMENT_NOT_FOUND, _("No such document.")))
    stored = getattr(result, FIELDS[kind])
    require(stored is not None, NotFound(Code.DOCUMENT_NOT_FOUND, _("This version has no such scan.")))
    return stored


def _read(result: Result, kind: str, *, actor) -> tuple[bytes, str, str]:
    """The scan's bytes; a signed-in reader's download is logged (the public one, like the public
    result table, is not: anybody may read it, and a public page must not write to the chain)."""
    stored = _scan_of(result, kind)
    if actor is None:
        return files.read(stored), filename(result, kind), stored.content_type
    with transaction.atomic():
        record(
            actor=actor,
            action="result.scan_downloaded",
            obj=result,
            estate_id=result.meeting.estate_id,
            summary={
                "meeting": result.meeting_id,
                "number": result.number,
                "kind": kind,
                "sha256": stored.sha256,
            },
        )
        content = files.read(stored)
    return content, filename(result, kind), stored.content_type


def scan_read(*, actor, meeting_id: int, number: int, kind: str) -> tuple[bytes, str, str]:
    """A signed table of a version, ``(content, filename, mime)``: the convener and the staff who
    oversee the estate (``access_version``). Unknown kind or no scan: 404 ``result.document_not_found``."""
    result = access_version(actor, meeting_id, number)
    return _read(result, kind, actor=actor)


def public_scan(*, meeting_id: int) -> tuple[bytes, str, str]:
    """The publicised version's signed result table, for anybody from the publicity's first day."""
    result = access_public_result(meeting_id)
    return _read(result, RESULT, actor=None)
