"""Storing and reading private files, encrypted at rest; what an uploaded file is, sniffed from its
content (never taken from the client) and refused when it only starts like a PDF."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from . import crypto
from .errors import Code, InvalidInput, NotFound, ServiceError
from .models import StoredFile
from .pdf import is_complete_pdf

PDF, PNG, JPEG, GIF, WEBP = "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"
_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)


@dataclass(frozen=True)
class Upload:
    """A file as services take it, whichever interface it came through."""

    name: str
    content: bytes
    content_type: str = "application/octet-stream"

    @classmethod
    def from_django(cls, f) -> Upload:
        return cls(
            name=f.name,
            content=f.read(),
            content_type=getattr(f, "content_type", "") or "application/octet-stream",
        )


def store(upload: Upload, *, uploaded_by) -> StoredFile:
    if len(upload.content) > settings.OWNERVOTE_MAX_UPLOAD_BYTES:
        raise InvalidInput(
            Code.FILE_TOO_LARGE,
            _("The file %(name)s is larger than %(mb)d MB.")
            % {"name": upload.name, "mb": settings.OWNERVOTE_MAX_UPLOAD_BYTES // 2**20},
        )
    digest = hashlib.sha256(upload.content).hexdigest()
    return StoredFile.objects.create(
        name=upload.name[:255],
        content_type=upload.content_type,
        size=len(upload.content),
        sha256=digest,
        data_enc=crypto.encrypt_bytes(upload.content, context=digest.encode()),
        uploaded_by=uploaded_by if getattr(uploaded_by, "is_authenticated", False) else None,
    )


def read(stored: StoredFile) -> bytes:
    if stored.erased_at is not None:
        raise NotFound(Code.FILE_ERASED, _("This file was erased at the end of its retention period."))
    return crypto.decrypt_bytes(bytes(stored.data_enc), context=stored.sha256.encode())


def sniff(content: bytes) -> str | None:
    """The type ``content`` declares by its first bytes (a PDF, PNG, JPEG, GIF or WebP), or None."""
    head = content[:16]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return next((kind for signature, kind in _SIGNATURES if head.startswith(signature)), None)


def typed(
    upload: Upload, allowed: Collection[str], *, refused: ServiceError, not_pdf: str = Code.FILE_NOT_PDF
) -> Upload:
    """``upload`` with the type its content declares, when that is one of ``allowed``; otherwise
    ``refused`` is raised. A file that only starts like a PDF (a header pasted onto something else,
    a download cut short: core.pdf) is refused with the code ``not_pdf`` and says so: every PDF
    anybody uploads is one a reader can open (issue 22 item 10)."""
    kind = sniff(upload.content)
    if kind not in allowed:
        raise refused
    if kind == PDF and not is_complete_pdf(upload.content):
        raise InvalidInput(
            not_pdf,
            _(
                "%(name)s is not a complete PDF file: it only starts like one, or it is damaged or cut "
                "short. Upload the document as saved or printed to PDF."
            )
            % {"name": upload.name},
            details={"fields": {"file": str(_("Not a complete PDF file."))}},
        )
    return Upload(name=upload.name, content=upload.content, content_type=kind)


def erase(ids: Iterable[int]) -> int:
    """R-SEC-7: empty the content and the name of these files (row-locked; those already erased
    are left alone); how many were erased. The caller's transaction and audit event cover it."""
    picked = list(
        StoredFile.objects.select_for_update()
        .filter(pk__in=[i for i in ids if i], erased_at__isnull=True)
        .values_list("pk", flat=True)
    )
    StoredFile.objects.filter(pk__in=picked).update(data_enc=b"", name="", erased_at=timezone.now())
    return len(picked)


# A photo (an ID card, a notice on the wall) is decoded whole, not only sniffed: what Pillow reads.
PHOTO_FORMATS = {"JPEG": (JPEG, "jpg"), "PNG": (PNG, "png"), "WEBP": (WEBP, "webp")}
PHOTO_MAX_PIXELS = 50_000_000


def photo_type(content: bytes, *, not_image: ServiceError) -> tuple[str, str]:
    """(content type, extension) of ``content`` decoded with Pillow as a JPEG, PNG or WebP of at most
    PHOTO_MAX_PIXELS; ``not_image`` is raised for anything else, a truncated or corrupt file included."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            fmt = image.format
            width, height = image.size
            if fmt not in PHOTO_FORMATS or width * height > PHOTO_MAX_PIXELS:
                raise not_image
            image.load()  # decode it all: a truncated or corrupt file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise not_image from exc
    return PHOTO_FORMATS[fmt]
