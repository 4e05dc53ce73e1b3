"""The documents publicised with a meeting (R-MTG-5: for a first assembly the owner list, the
totals, the draft management rules, the draft rules of procedure and the voting rules): attached,
removed (kept on record once publicised), read (every read logged). Files are sniffed, never
typed by the client, and stored encrypted (``core.files``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core import files
from ownervote.core.errors import Conflict, InvalidInput, NotFound, require
from ownervote.core.files import Upload
from ownervote.core.files import read as read_file
from ownervote.core.files import store as store_file
from ownervote.core.models import StoredFile

from ..access import DOCUMENT_NOT_FOUND, Need, access_document, access_meeting
from ..errors import Code
from ..models import Meeting, MeetingDocument
from .common import clean
from .lifecycle import NOT_CHANGEABLE

# What a meeting document may be, by its content: a whole PDF, a photo, or a Word or Excel file
# (their signatures, OOXML's zip and the legacy compound file, tell the format, the name the kind).
_TYPES = (files.PDF, files.PNG, files.JPEG)
_OFFICE = (
    (b"PK\x03\x04", (".docx", ".xlsx")),  # Office Open XML
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", (".doc", ".xls")),  # legacy Office
)
_OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
}


def _checked_upload(upload: Upload) -> Upload:
    refused = InvalidInput(
        Code.FILE_TYPE,
        _("%(name)s is not a PDF, an image, or a Word or Excel file.") % {"name": upload.name},
    )
    name = (upload.name or "").lower()
    for signature, extensions in _OFFICE:
        ext = next((e for e in extensions if name.endswith(e)), None)
        if upload.content.startswith(signature) and ext:
            return Upload(name=upload.name, content=upload.content, content_type=_OFFICE_TYPES[ext])
    return files.typed(upload, _TYPES, refused=refused, not_pdf=Code.FILE_NOT_PDF)


def _changeable(meeting: Meeting) -> None:
    require(meeting.status in Meeting.CHANGEABLE, Conflict(Code.NOT_CHANGEABLE, NOT_CHANGEABLE))


def document_add(*, actor, meeting_id: int, kind: str, title: str, upload: Upload) -> MeetingDocument:
    """Attach a document publicised with the meeting (for a first assembly: the owner list, the
    totals, the draft management rules, the draft rules of procedure and the voting rules, R-MTG-5).
    PDF, images, Word or Excel files, stored encrypted."""
    with transaction.atomic():
        meeting = access_meeting(actor, meeting_id, need=Need.MANAGE, lock=True)
        _changeable(meeting)
        require(
            kind in MeetingDocument.Kind.values,
            InvalidInput(
                Code.INVALID,
                _("Choose the kind of document."),
                details={"fields": {"kind": str(_("Choose the kind of document."))}},
            ),
        )
        title = clean(title, 200) or str(MeetingDocument.Kind(kind).label)
        stored = store_file(_checked_upload(upload), uploaded_by=actor)
        document = MeetingDocument.objects.create(
            meeting=meeting, kind=kind, title=title, file=stored, uploaded_by=actor
        )
        record(
            actor=actor,
            action="meeting.document_added",
            obj=document,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                "kind": kind,
                "title": title,
                "name": stored.name,
                "sha256": stored.sha256,
                "size": stored.size,
            },
        )
    return document


def document_remove(*, actor, document_id: int) -> MeetingDocument:
    """Remove a document. Once the meeting was publicised the document stays on record (marked
    removed); a first assembly's last document of a required kind cannot be removed then."""
    with transaction.atomic():
        meeting_id = (
            MeetingDocument.objects.filter(pk=document_id, removed_at__isnull=True)
            .values_list("meeting_id", flat=True)
            .first()
        )
        require(meeting_id is not None, NotFound(Code.DOCUMENT_NOT_FOUND, DOCUMENT_NOT_FOUND))
        document = access_document(actor, meeting_id, document_id, need=Need.MANAGE, lock=True)
        meeting = document.meeting
        _changeable(meeting)
        published = meeting.publicised
        if (
            published
            and meeting.kind == Meeting.Kind.FIRST
            and document.kind in MeetingDocument.REQUIRED_FOR_FIRST
        ):
            others = MeetingDocument.objects.filter(
                meeting=meeting, removed_at__isnull=True, kind=document.kind
            ).exclude(pk=document.pk)
            require(
                others.exists(),
                Conflict(
                    Code.DOCUMENT_REQUIRED,
                    _(
                        "The publicised first assembly needs this document (art. 12 para. 3); "
                        "attach its replacement first."
                    ),
                ),
            )
        summary = {"meeting": meeting.pk, "kind": document.kind, "title": document.title, "kept": published}
        if published:
            document.removed_at = timezone.now()
            document.save(update_fields=["removed_at"])
        record(
            actor=actor,
            action="meeting.document_removed",
            obj=document,
            estate_id=meeting.estate_id,
            summary=summary,
        )
        if not published:
            document.delete()
    return document


def document_read(*, actor, meeting_id: int, document_id: int) -> tuple[StoredFile, bytes]:
    """A document's file, for whoever sees the meeting; the read is logged."""
    document = access_document(actor, meeting_id, document_id)
    with transaction.atomic():
        record(
            actor=actor,
            action="file.read",
            obj=document.file,
            estate_id=document.meeting.estate_id,
            summary={"purpose": "meeting_document", "meeting": meeting_id, "name": document.file.name},
        )
        content = read_file(document.file)
    return document.file, content
