"""The scans of the signed result tables a submission carries (art. 25, R-RES-2), for tests: a tiny
PDF and a tiny PNG, as services take them (``uploads``) and as a browser posts them (``files``)."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from ownervote.core.files import Upload
from tests.pdfs import minimal_pdf

RESULT_PDF = minimal_pdf("signed result table")
FLATS_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + b"signed per-flat table"
NOT_A_SCAN = b"PK\x03\x04 a zip file, not a scan"


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def uploads(result: bytes = RESULT_PDF, flats: bytes = FLATS_PNG) -> dict:
    """Keyword arguments of ``results.result_submit``."""
    return {
        "result_scan": Upload(name="结果统计表.pdf", content=result, content_type="application/pdf"),
        "flats_scan": Upload(name="分户表.png", content=flats, content_type="image/png"),
    }


def files(result: bytes | None = RESULT_PDF, flats: bytes | None = FLATS_PNG) -> dict:
    """The multipart fields of the submission (page and API); None leaves a field out."""
    out = {}
    if result is not None:
        out["result_scan"] = SimpleUploadedFile("结果统计表.pdf", result, content_type="application/pdf")
    if flats is not None:
        out["flats_scan"] = SimpleUploadedFile("分户表.png", flats, content_type="image/png")
    return out


def choose_in_browser(page) -> None:
    """Choose both scans on the result console's submission form (Playwright)."""
    page.locator("#id_result_scan").set_input_files(
        files=[{"name": "结果统计表.pdf", "mimeType": "application/pdf", "buffer": RESULT_PDF}]
    )
    page.locator("#id_flats_scan").set_input_files(
        files=[{"name": "分户表.png", "mimeType": "image/png", "buffer": FLATS_PNG}]
    )
