"""The history every change to an estate's roster writes (R-ROSTER-2): its reason, its supporting
files and the submitter's real name; and reading a supporting file back, logged."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core import files
from ownervote.core.errors import InvalidInput, NotFound, require
from ownervote.core.files import Upload
from ownervote.core.files import read as read_file
from ownervote.core.files import store as store_file
from ownervote.core.models import StoredFile

from ..errors import Code
from ..models import Estate, RosterChange
from ..selectors import changes_for


def require_reason(reason: str) -> str:
    """Every change carries a reason (R-ROSTER-2): ``reason`` stripped, or ``roster.reason_required``."""
    reason = (reason or "").strip()
    require(reason, InvalidInput(Code.REASON_REQUIRED, _("Give the reason for the change.")))
    return reason


def _evidence(upload: Upload) -> Upload:
    """A supporting file (a certificate, the minutes): a photo or a whole PDF, by its content."""
    refused = InvalidInput(
        Code.EVIDENCE_TYPE,
        _("%(name)s is not a photo (JPEG or PNG) or a PDF file.") % {"name": upload.name},
    )
    return files.typed(upload, (files.PDF, files.PNG, files.JPEG), refused=refused)


def record_change(
    *, estate: Estate, actor, kind: str, reason: str, summary: dict, uploads: Sequence[Upload] = (), stored=()
) -> RosterChange:
    """The change's history row: its reason, its summary, its supporting files (the uploaded ones
    stored now, and ``stored`` ones already kept) under the submitter's real name."""
    change = RosterChange.objects.create(
        estate=estate,
        kind=kind,
        reason=reason,
        summary=summary,
        submitted_by=actor,
        submitter_real_name=actor.display_name(),
    )
    attached = list(stored) + [store_file(_evidence(u), uploaded_by=actor) for u in uploads]
    if attached:
        change.files.add(*attached)
    return change


def change_file_read(*, actor, estate_id: int, change_id: int, file_id: int) -> tuple[StoredFile, bytes]:
    """A supporting file of a roster change, for anyone who can see the estate; the read is
    written to the audit log (the files can hold personal data)."""
    change = changes_for(actor, estate_id).filter(pk=change_id).first()
    stored = change.files.filter(pk=file_id).first() if change else None
    require(stored is not None, NotFound(Code.FILE_NOT_FOUND, _("File not found.")))
    with transaction.atomic():
        record(
            actor=actor,
            action="file.read",
            obj=stored,
            estate_id=change.estate_id,
            summary={"purpose": "roster change", "change": change.pk, "name": stored.name},
        )
        content = read_file(stored)
    return stored, content
