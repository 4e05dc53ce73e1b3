"""Helpers for the meeting page tests (no tests here): readers of a PDF's text. (The years ahead
of the holiday calendar are loaded for every database test by tests/conftest.py.)"""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib

# --- PDF text -----------------------------------------------------------------------------------


def inflated(pdf: bytes) -> bytes:
    """The PDF with every Flate stream decompressed (object streams hide the font dictionaries)."""
    out = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        start = match.end()
        try:
            out.append(zlib.decompressobj().decompress(pdf[start : start + 5_000_000]))
        except zlib.error:
            continue
    return b"".join(out)


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The PDF's text as a reader copies it (pdftotext); "" when pdftotext is not installed, and
    the caller reads the text of WeasyPrint's layout instead (``layout_text``)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return ""
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    done = subprocess.run([exe, "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)  # noqa: S603
    return done.stdout.decode("utf-8")


def layout_text(document) -> str:
    """The text of a laid-out WeasyPrint document, box by box."""

    def walk(box):
        if getattr(box, "text", None):
            yield box.text
        for child in getattr(box, "children", None) or ():
            yield from walk(child)

    return "\n".join(t for page in document.pages for t in walk(page._page_box))
