"""Storing and reading private files, encrypted at rest."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import crypto
from .errors import Code, InvalidInput, NotFound
from .models import StoredFile


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
