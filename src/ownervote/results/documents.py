"""The printable result tables of a version (art. 25; R-RES-1, R-RES-2): the result table (投票结果统计表)
and the per-flat table (分户结果统计表), each as a PDF and an .xlsx.

Everything is read from the frozen ``Result.content`` (and its ``digest``), never from the live
meeting, so every copy of a version says the same. Every PDF page carries the version number, the
generation time and the content's SHA-256 in its footer; both PDFs end with the place for the
convener's seal and a signature line for each caller, counter and scrutineer of the paper count
(blank lines when there was none), for the convener to print, seal, have signed and submit to the
street office.

The PDFs are HTML + print CSS rendered by WeasyPrint with the embedded Noto Sans CJK SC font, as
the binding list and the paper ballots are; A4 landscape. The per-flat table is one plain table
with a fixed layout and no per-row styling, built as one HTML string, so that a large estate lays
out in seconds. The .xlsx files hold the same figures, areas and counts as numbers and shares as
percentages.

The tables themselves are drawn by ``tables.result`` and ``tables.flats`` (``tables.common`` and
``tables.xlsx`` hold what they share); this module renders, keeps and serves them, and re-exports
the tables' names its callers use.

A version never changes, so neither do its tables: ``kept`` renders each (kind, format, language)
of a version once and keeps the bytes (``ResultDocument``, encrypted at rest through
``core.files``: the per-flat table shows how every flat voted); every later download serves them.
The per-flat PDF of a large roll is rendered in the background as soon as the version is generated
(``tasks.prerender``), so that the convener's first download does not wait for it either.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ownervote.audit.services import record
from ownervote.bindinglist.documents import PDF, XLSX
from ownervote.core import files
from ownervote.core.errors import InvalidInput, NotFound, require

from .access import access_public_result, access_version
from .errors import Code
from .models import Result, ResultDocument
from .tables.common import FLATS, KINDS, RESULT, channel_label, doc_title, signatures
from .tables.flats import GRID_DPI, Grid, flats_grid, flats_html, flats_pdf, flats_xlsx
from .tables.result import result_html, result_pdf, result_xlsx

__all__ = [
    "FLATS",
    "FORMATS",
    "GRID_DPI",
    "KINDS",
    "PDF",
    "RESULT",
    "XLSX",
    "Grid",
    "channel_label",
    "filename",
    "flats_grid",
    "flats_html",
    "flats_pdf",
    "flats_xlsx",
    "is_kept",
    "kept",
    "public_document",
    "render",
    "result_html",
    "result_pdf",
    "result_xlsx",
    "signatures",
    "version_document",
]

FORMATS = ("pdf", "xlsx")
MIME = {"pdf": PDF, "xlsx": XLSX}

log = logging.getLogger(__name__)


# --- what the views and the API call -------------------------------------------------------------


RENDER = {
    (RESULT, "pdf"): result_pdf,
    (RESULT, "xlsx"): result_xlsx,
    (FLATS, "pdf"): flats_pdf,
    (FLATS, "xlsx"): flats_xlsx,
}


def _known(kind: str, fmt: str) -> None:
    require(
        (kind, fmt) in RENDER,
        NotFound(Code.DOCUMENT_NOT_FOUND, _("No such document of the result.")),
    )


def render(result: Result, kind: str, fmt: str) -> bytes:
    _known(kind, fmt)
    return RENDER[(kind, fmt)](result)


def _language() -> str | None:
    """The active language as ``LANGUAGES`` names it (``en-us`` is kept as ``en``); None for a
    language the site does not offer (rendered, not kept)."""
    code = translation.get_language() or settings.LANGUAGE_CODE
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def _kept_row(result: Result, kind: str, fmt: str, language: str) -> ResultDocument | None:
    return (
        ResultDocument.objects.filter(result=result, kind=kind, fmt=fmt, language=language)
        .select_related("file")
        .first()
    )


def is_kept(result: Result, kind: str, fmt: str) -> bool:
    """Whether the table is kept for the active language."""
    language = _language()
    return language is not None and (
        ResultDocument.objects.filter(result=result, kind=kind, fmt=fmt, language=language).exists()
    )


def kept(result: Result, kind: str, fmt: str) -> bytes:
    """The table of a version in the active language: the kept bytes, or rendered (``render``),
    kept and returned. Two first downloads at once both render; the second to keep it gets the
    unique constraint and serves the first one's bytes, so every copy of a version is the same
    file. A table larger than core.files stores (``OWNERVOTE_MAX_UPLOAD_BYTES``) is served as
    rendered, never kept."""
    _known(kind, fmt)
    language = _language()
    if language is None:
        return render(result, kind, fmt)
    row = _kept_row(result, kind, fmt, language)
    if row is not None:
        return files.read(row.file)
    content = render(result, kind, fmt)
    upload = files.Upload(filename(result, kind, fmt), content, MIME[fmt])
    try:
        with transaction.atomic():
            stored = files.store(upload, uploaded_by=result.generated_by)
            ResultDocument.objects.create(result=result, kind=kind, fmt=fmt, language=language, file=stored)
    except IntegrityError:
        row = _kept_row(result, kind, fmt, language)  # kept meanwhile by a concurrent download
        if row is not None:
            return files.read(row.file)
    except InvalidInput:
        log.warning("result %s %s.%s (%s bytes) is too large to keep", result.pk, kind, fmt, len(content))
    return content


def filename(result: Result, kind: str, fmt: str) -> str:
    """``碧海花园-投票结果统计表-v1.pdf``: the estate, the document and the version."""
    estate = "".join(ch for ch in result.content["meeting"]["estate"] if ch not in '\\/:*?"<>|').strip()
    return f"{estate}-{doc_title(kind)}-v{result.number}.{fmt}"


def version_document(*, actor, meeting_id: int, number: int, kind: str, fmt: str) -> tuple[bytes, str, str]:
    """A table of a version for whoever ``access_version`` lets see it (the convener and the staff who
    oversee the estate): ``(content, filename, mime)``, the kept table when there is one (``kept``).
    An unknown kind or format is NotFound. The per-flat table shows how each flat voted, so every
    download is logged, kept or not."""
    _known(kind, fmt)
    result = access_version(actor, meeting_id, number)
    content = kept(result, kind, fmt)  # rendered outside the transaction the first time: it takes a while
    with transaction.atomic():
        record(
            actor=actor,
            action="result.document_downloaded",
            obj=result,
            estate_id=result.meeting.estate_id,
            summary={
                "meeting": result.meeting_id,
                "number": result.number,
                "kind": kind,
                "format": fmt,
                "digest": result.digest,
            },
        )
    return content, filename(result, kind, fmt), MIME[fmt]


def public_document(*, meeting_id: int) -> tuple[bytes, str, str]:
    """The publicised result table of a meeting, for anybody (art. 26): only the result table,
    never the per-flat one."""
    result = access_public_result(meeting_id)
    return kept(result, RESULT, "pdf"), filename(result, RESULT, "pdf"), PDF
