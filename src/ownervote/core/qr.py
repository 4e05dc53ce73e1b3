"""The estate's QR code (art. 8): it opens the estate's landing page on the owner pages, at the
public address of the site (``settings.OWNERVOTE_PUBLIC_URL``)."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

# Q (25 % of the code may be lost): a poster on a notice board gets dirty, torn and photographed.
ERROR_LEVEL = "q"


def estate_url(estate_id: int) -> str:
    """The absolute address the estate's QR code carries."""
    return settings.OWNERVOTE_PUBLIC_URL.rstrip("/") + reverse("portal:estate", args=[estate_id])


def _code(estate_id: int) -> segno.QRCode:
    return segno.make(estate_url(estate_id), error=ERROR_LEVEL)


def svg_inline(estate_id: int, *, title: str) -> str:
    """An ``<svg>`` element that scales to its box (viewBox, no fixed size), for the poster."""
    svg = _code(estate_id).svg_inline(
        scale=1, border=4, omitsize=True, title=title, dark="#000", light="#fff"
    )
    return mark_safe(svg)  # noqa: S308 - segno's output from our own URL; it escapes the title


def svg_file(estate_id: int, *, title: str) -> bytes:
    out = io.BytesIO()
    _code(estate_id).save(out, kind="svg", scale=20, border=4, title=title, dark="#000", light="#fff")
    return out.getvalue()


def png_file(estate_id: int) -> bytes:
    """A PNG large enough to print (segno writes PNG itself, without Pillow)."""
    out = io.BytesIO()
    _code(estate_id).save(out, kind="png", scale=20, border=4, dark="#000", light="#fff")
    return out.getvalue()
