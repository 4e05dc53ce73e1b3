"""Excel (.xlsx) files in and out, safely.

Out: ``workbook_bytes(wb)`` is how every writer saves a workbook. openpyxl takes any text that
begins with ``=`` for a formula and writes it as one (``<f>HYPERLINK(...)</f>``): a roster cell
typed by somebody else would then run in the reader's Excel (CSV/formula injection, OWASP). Here
every cell is written as the value it holds: text stays a text cell (``t="s"``), exactly as typed,
with no apostrophe or other prefix added, so the file reads back identically and Excel shows it as
text. No writer of ours needs a formula; a text cell beginning with ``+``, ``-``, ``@``, a tab or a
carriage return is already stored as text by openpyxl (only a cell *typed* by hand is parsed by
Excel, and a stored text cell is not).

In: ``check_xlsx(content)`` refuses, before any parser sees the bytes, a file that is not a zip
archive, is encrypted, has too many entries, or declares more unpacked bytes than a roster can
need (in total, or one entry packed unusually tightly): a "zip bomb" of a few hundred KB that
expands to hundreds of MB. The declared sizes are then confirmed by inflating each entry once, in
bounded chunks (a header that lies about its size fails its CRC), so the parser never sees more
than was declared.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .errors import Code, InvalidInput

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CHUNK = 1 << 20


def workbook_bytes(wb) -> bytes:
    """``wb`` saved as .xlsx, every text cell written as text, never as a formula."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # openpyxl read a text beginning with "=" as a formula
                    cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _limits() -> tuple[int, int, int]:
    return (
        settings.OWNERVOTE_XLSX_MAX_UNPACKED_BYTES,
        settings.OWNERVOTE_XLSX_MAX_ENTRIES,
        settings.OWNERVOTE_XLSX_MAX_RATIO,
    )


# What a damaged, truncated, disguised or oddly compressed archive raises while it is opened or read.
UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
    EOFError,
)


def _not_xlsx() -> InvalidInput:
    return InvalidInput(
        Code.XLSX_NOT_ZIP,
        _("The file is not an Excel (.xlsx) workbook: save it as .xlsx and upload it again."),
    )


def _too_large(max_bytes: int) -> InvalidInput:
    return InvalidInput(
        Code.XLSX_TOO_LARGE,
        _(
            "The workbook unpacks to more than %(mb)d MB: it is not a roster this system can read. "
            "Save only the roster's sheet in a new workbook and upload that."
        )
        % {"mb": max_bytes // 2**20},
    )


def check_xlsx(content: bytes) -> None:
    """Refuse ``content`` unless it is a plain .xlsx (zip) archive of a sane unpacked size; raises
    ``InvalidInput`` with a ``xlsx.*`` code and a message for people. Never parses a sheet."""
    max_bytes, max_entries, max_ratio = _limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except UNREADABLE as exc:
        raise _not_xlsx() from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > max_entries:
            raise InvalidInput(
                Code.XLSX_TOO_MANY_ENTRIES,
                _("The workbook has more than %(n)d parts: it is not a roster this system can read.")
                % {"n": max_entries},
            )
        if any(info.flag_bits & 0x1 for info in entries):
            raise InvalidInput(
                Code.XLSX_ENCRYPTED,
                _("The workbook is protected by a password: remove the password and upload it again."),
            )
        if sum(info.file_size for info in entries) > max_bytes:
            raise _too_large(max_bytes)
        for info in entries:
            if info.file_size > _CHUNK and info.file_size > max_ratio * max(info.compress_size, 1):
                raise _too_large(max_bytes)
        _confirm_sizes(archive, entries, max_bytes)


def _confirm_sizes(archive: zipfile.ZipFile, entries, max_bytes: int) -> None:
    """Inflate each entry once, at most its declared size (zipfile stops there and checks the
    CRC): an entry whose header understates its size is refused as unreadable."""
    total = 0
    try:
        for info in entries:
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    if total > max_bytes:
                        raise _too_large(max_bytes)
    except UNREADABLE as exc:
        raise _not_xlsx() from exc
