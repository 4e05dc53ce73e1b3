"""Complaints to the street office about the voting (R-SEC-4, rules art. 5(5)). Each change is one
transaction: reach and permission check (``access``), row lock, the state transition, the change,
its audit event (estate stream; never who complained, and free text only as its digest) and the
messages: the handling office on filing, the complainant at every step by inbox and SMS.

Time limits (``rules.complaints``, the 《信访工作条例》): whether it is taken up within 15 days of
receipt; concluded within 60 days of being taken up; counted as R-MTG-8 counts periods."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.pii import reveal
from ownervote.audit.services import record
from ownervote.core import files
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound, require
from ownervote.core.files import Upload
from ownervote.core.files import read as read_file
from ownervote.core.files import store as store_file
from ownervote.core.models import StoredFile
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Meeting
from ownervote.notify import sms_titles
from ownervote.notify.services import notify
from ownervote.orgs import scoping
from ownervote.roster.models import Estate
from ownervote.rules import complaints as limits
from ownervote.verification.selectors import verified_identity

from . import permissions
from .access import Need, access_complained_estate, access_complained_meeting, access_complaint
from .errors import Code
from .models import Complaint

TEXT_MIN_CHARS = 10
MAX_TEXT = 4000
MAX_FILES = 5

# What a complaint's files may be, by their content (core.files.typed): photos and whole PDFs.
_TYPES = (files.PNG, files.JPEG, files.PDF)


def _clean(text: str) -> str:
    return (text or "").strip()[:MAX_TEXT]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _checked_upload(upload: Upload) -> Upload:
    refused = InvalidInput(
        Code.FILE_TYPE, _("%(name)s is not a photo (JPEG or PNG) or a PDF file.") % {"name": upload.name}
    )
    return files.typed(upload, _TYPES, refused=refused)


def _seal_complainant(complaint: Complaint, actor, estate) -> None:
    """Copy who complained, as sealed columns (no plaintext passes here): the verified name, else
    the name the roster lists for the owner with the signed-in mobile; the account's mobile."""
    identity = verified_identity(actor)
    ownership = None if identity is not None else permissions.owner_by_mobile(actor, estate)
    source = identity or (ownership.owner if ownership is not None else None)
    if source is not None:
        complaint.name_enc, complaint.name_masked, complaint.name_hash = (
            source.name_enc,
            source.name_masked,
            source.name_hash,
        )
    complaint.mobile_enc = actor.mobile_enc
    complaint.mobile_masked = actor.mobile_masked
    complaint.mobile_hash = actor.mobile_hash


def _owner_link(complaint: Complaint) -> str:
    return reverse("complaints:owner_detail", args=[complaint.pk])


def _staff_link(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])


def _require_text(text: str) -> None:
    require(
        len(text) >= TEXT_MIN_CHARS,
        InvalidInput(
            Code.TEXT_TOO_SHORT,
            _("Describe what happened (at least %(n)d characters).") % {"n": TEXT_MIN_CHARS},
        ),
    )


def _new_complaint(*, estate, subject: str, meeting, text: str, filed_by, filed_on, **fields) -> Complaint:
    """A complaint (not yet saved) with its handling body fixed now (``scoping.supervisor_of``: the
    meeting's convener decides it for a complaint about a meeting, else the estate's current
    conveners) and the day it must be accepted by."""
    convener_kind = meeting.convener.kind if meeting is not None else None
    handler_kind, division_id = scoping.supervisor_of(estate, convener_kind)
    return Complaint(
        estate=estate,
        subject=subject,
        meeting=meeting,
        text=text[:MAX_TEXT],
        filed_by=filed_by,
        handler_kind=handler_kind,
        handler_division_id=division_id,
        filed_on=filed_on,
        accept_by=limits.accept_by(meeting_selectors.calendar(), filed_on),
        **fields,
    )


def _filed_summary(complaint: Complaint, **more) -> dict:
    """What the audit event of a new complaint records (free text only as its digest)."""
    return {
        "subject": complaint.subject,
        "meeting": complaint.meeting_id,
        "handler_kind": complaint.handler_kind,
        "handler_division": complaint.handler_division_id,
        "accept_by": complaint.accept_by.isoformat(),
        "text_sha256": _digest(complaint.text),
        **more,
    }


def complaint_file(
    *,
    actor,
    estate_id: int,
    subject: str,
    text: str,
    meeting_id: int | None = None,
    files: Sequence[Upload] = (),
) -> Complaint:
    """An owner of the estate, bound or not, complains about a meeting, a binding, a ballot or the
    count, with photos or PDFs (R-SEC-4). The handling body is fixed now (``scoping.supervisor_of``:
    the meeting's convener decides it for a complaint about a meeting, else the estate's current
    conveners); its staff are told; the complainant is told by inbox and SMS when the office must
    decide by."""
    text = (text or "").strip()
    files = list(files or ())
    with transaction.atomic():
        estate = access_complained_estate(actor, estate_id)
        require(
            subject in Complaint.Subject.values,
            InvalidInput(Code.SUBJECT_INVALID, _("Choose what the complaint is about.")),
        )
        meeting = None
        if subject in Complaint.MEETING_SUBJECTS:
            require(
                meeting_id,
                InvalidInput(Code.MEETING_REQUIRED, _("Choose the meeting the complaint is about.")),
            )
        if meeting_id:
            meeting = access_complained_meeting(estate, meeting_id)
        _require_text(text)
        require(
            len(files) <= MAX_FILES,
            InvalidInput(Code.TOO_MANY_FILES, _("At most %(n)d files can be attached.") % {"n": MAX_FILES}),
        )
        uploads = [_checked_upload(f) for f in files]
        complaint = _new_complaint(
            estate=estate,
            subject=subject,
            meeting=meeting,
            text=text,
            filed_by=actor,
            filed_on=timezone.localdate(),
        )
        _seal_complainant(complaint, actor, estate)
        complaint.save()
        stored = [store_file(u, uploaded_by=actor) for u in uploads]
        if stored:
            complaint.files.add(*stored)
        record(
            actor=actor,
            action="complaints.filed",
            obj=complaint,
            estate_id=estate.pk,
            summary=_filed_summary(
                complaint, files=[{"name": s.name, "sha256": s.sha256, "size": s.size} for s in stored]
            ),
        )
        _tell_filed(complaint, meeting.convener.kind if meeting is not None else None)
    return complaint


def complaint_open_by_office(
    *,
    actor,
    estate: Estate,
    subject: str,
    text: str,
    meeting: Meeting | None = None,
    now=None,
) -> Complaint:
    """The supervising office opens a complaint on its own initiative (e.g. from an impersonation
    signal it reviewed, R-TRUST-1): nobody filed it, so ``filed_by`` is the staff member who opened
    it and ``on_own_initiative`` is set; it is handled as any complaint (the queue, the time limits)
    but no owner is told of its steps. 403 ``complaint.not_supervisor`` unless the actor's office
    would handle it (``permissions.can_open_on_own_initiative``)."""
    text = (text or "").strip()
    now = now or timezone.now()
    with transaction.atomic():
        convener_kind = meeting.convener.kind if meeting is not None else None
        require(
            permissions.can_open_on_own_initiative(actor, estate, convener_kind),
            Forbidden(
                Code.NOT_SUPERVISOR,
                _("Only the office supervising the estate can open a complaint on its own initiative."),
            ),
        )
        require(
            subject in Complaint.Subject.values,
            InvalidInput(Code.SUBJECT_INVALID, _("Choose what the complaint is about.")),
        )
        require(
            meeting is not None or subject not in Complaint.MEETING_SUBJECTS,
            InvalidInput(Code.MEETING_REQUIRED, _("Choose the meeting the complaint is about.")),
        )
        require(
            meeting is None or meeting.estate_id == estate.pk,
            NotFound(Code.MEETING_NOT_FOUND, _("Meeting not found.")),
        )
        _require_text(text)
        complaint = _new_complaint(
            estate=estate,
            subject=subject,
            meeting=meeting,
            text=text,
            filed_by=actor,
            filed_on=timezone.localdate(now),
            on_own_initiative=True,
        )
        complaint.save()
        record(
            actor=actor,
            action="complaints.opened_by_office",
            obj=complaint,
            estate_id=estate.pk,
            summary=_filed_summary(complaint, opener_real_name=actor.display_name()),
        )
    return complaint


def _tell_filed(complaint: Complaint, convener_kind: str | None) -> None:
    estate = complaint.estate
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(Complaint.Subject(complaint.subject).label)
        notify(
            users=scoping.supervisor_users(estate, convener_kind),
            kind="complaint.filed",
            title=gettext("New complaint about %(subject)s in %(estate)s")
            % {"subject": subject, "estate": estate.name},
            body=gettext(
                "An owner of %(estate)s complains about %(subject)s. Decide whether to accept it by "
                "%(date)s (within 15 days)."
            )
            % {"estate": estate.name, "subject": subject, "date": complaint.accept_by.isoformat()},
            link=_staff_link(complaint),
            estate=estate,
            event=f"complaint.filed:{complaint.pk}",
            new_event=True,
        )
        notify(
            users=[complaint.filed_by],
            kind="complaint.received",
            title=gettext("Your complaint was received"),
            body=gettext(
                "Your complaint about %(subject)s in %(estate)s was received. The office must decide "
                "whether to accept it by %(date)s."
            )
            % {"estate": estate.name, "subject": subject, "date": complaint.accept_by.isoformat()},
            link=_owner_link(complaint),
            estate=estate,
            sms=True,
            sms_title=sms_titles.COMPLAINT_RECEIVED,
            event=f"complaint.received:{complaint.pk}",
            new_event=True,
        )


def _decided(complaint: Complaint, actor, status: str) -> None:
    require(
        status in Complaint.TRANSITIONS[Complaint.Status(complaint.status)],
        Conflict(Code.ALREADY_DECIDED, _("This complaint has already been decided.")),
    )
    complaint.status = status
    complaint.decided_by = actor
    complaint.decider_real_name = actor.display_name()
    complaint.decided_at = timezone.now()
    complaint.handling_organisation = permissions.handling_organisation(actor, complaint)


def complaint_accept(*, actor, complaint_id: int, note: str = "") -> Complaint:
    """The handling office takes the complaint up; it must conclude within 60 days of today."""
    note = _clean(note)
    with transaction.atomic():
        complaint = access_complaint(actor, complaint_id, need=Need.HANDLE, lock=True)
        _decided(complaint, actor, Complaint.Status.ACCEPTED)
        complaint.accept_note = note
        complaint.conclude_by = limits.conclude_by(meeting_selectors.calendar(), timezone.localdate())
        complaint.save()
        record(
            actor=actor,
            action="complaints.accepted",
            obj=complaint,
            estate_id=complaint.estate_id,
            summary={
                "decider_real_name": complaint.decider_real_name,
                "conclude_by": complaint.conclude_by.isoformat(),
                "late": complaint.decided_at.date() > complaint.accept_by,
                "note_sha256": _digest(note),
            },
        )
        with translation.override(settings.LANGUAGE_CODE):
            _tell_owner(
                complaint,
                kind="complaint.accepted",
                title=gettext("Your complaint was accepted"),
                sms_title=sms_titles.COMPLAINT_ACCEPTED,
                body=gettext(
                    "Your complaint was accepted by %(office)s and is being investigated. It will be "
                    "concluded by %(date)s."
                )
                % {"office": complaint.handling_organisation.name, "date": complaint.conclude_by.isoformat()},
            )
    return complaint


def complaint_decline(*, actor, complaint_id: int, reason: str) -> Complaint:
    """The handling office does not take the complaint up, and says why."""
    reason = _clean(reason)
    with transaction.atomic():
        complaint = access_complaint(actor, complaint_id, need=Need.HANDLE, lock=True)
        require(reason, InvalidInput(Code.REASON_REQUIRED, _("Give the reason for not accepting it.")))
        _decided(complaint, actor, Complaint.Status.DECLINED)
        complaint.decline_reason = reason
        complaint.save()
        record(
            actor=actor,
            action="complaints.declined",
            obj=complaint,
            estate_id=complaint.estate_id,
            summary={
                "decider_real_name": complaint.decider_real_name,
                "reason_sha256": _digest(reason),
            },
        )
        with translation.override(settings.LANGUAGE_CODE):
            _tell_owner(
                complaint,
                kind="complaint.declined",
                title=gettext("Your complaint was not accepted"),
                sms_title=sms_titles.COMPLAINT_REJECTED,
                body=gettext("%(office)s did not accept your complaint. Reason: %(reason)s")
                % {"office": complaint.handling_organisation.name, "reason": reason},
            )
    return complaint


def complaint_extend(*, actor, complaint_id: int, reason: str) -> Complaint:
    """The handling office extends, once, the time limit to conclude an accepted complaint by 30
    days (《信访工作条例》: a complex case, at most 30 days, the complainant told why). Decided
    before the time limit has run out: 409 ``complaint.extension_too_late`` after its last day."""
    reason = _clean(reason)
    with transaction.atomic():
        complaint = access_complaint(actor, complaint_id, need=Need.HANDLE, lock=True)
        require(
            complaint.status == Complaint.Status.ACCEPTED,
            Conflict(
                Code.NOT_ACCEPTED, _("Only an accepted complaint that is not concluded yet can be extended.")
            ),
        )
        require(
            complaint.extended_at is None,
            Conflict(
                Code.ALREADY_EXTENDED, _("The time limit of this complaint was extended already: once only.")
            ),
        )
        today = timezone.localdate()
        require(
            today <= complaint.conclude_by,
            Conflict(
                Code.EXTENSION_TOO_LATE,
                _("The time limit ended on %(date)s: it can only be extended before it runs out.")
                % {"date": complaint.conclude_by.isoformat()},
            ),
        )
        require(
            reason, InvalidInput(Code.REASON_REQUIRED, _("Give the reason for extending the time limit."))
        )
        before = complaint.conclude_by
        complaint.conclude_by = limits.extended_conclude_by(meeting_selectors.calendar(), before)
        complaint.extended_at = timezone.now()
        complaint.extended_by = actor
        complaint.extension_reason = reason
        complaint.save()
        record(
            actor=actor,
            action="complaints.extended",
            obj=complaint,
            estate_id=complaint.estate_id,
            summary={
                "extender_real_name": actor.display_name(),
                "conclude_by_before": before.isoformat(),
                "conclude_by": complaint.conclude_by.isoformat(),
                "reason_sha256": _digest(reason),
            },
        )
        with translation.override(settings.LANGUAGE_CODE):
            _tell_owner(
                complaint,
                kind="complaint.extended",
                title=gettext("The time limit of your complaint was extended"),
                sms_title=sms_titles.COMPLAINT_EXTENDED,
                body=gettext(
                    "%(office)s extended the time limit of your complaint: it will be concluded by %(date)s. "
                    "Reason: %(reason)s"
                )
                % {
                    "office": complaint.handling_organisation.name,
                    "date": complaint.conclude_by.isoformat(),
                    "reason": reason,
                },
            )
    return complaint


def complaint_conclude(*, actor, complaint_id: int, investigation: str, outcome: str) -> Complaint:
    """The handling office records what it investigated and the outcome of an accepted complaint."""
    investigation, outcome = _clean(investigation), _clean(outcome)
    with transaction.atomic():
        complaint = access_complaint(actor, complaint_id, need=Need.HANDLE, lock=True)
        require(
            complaint.status == Complaint.Status.ACCEPTED,
            Conflict(
                Code.NOT_ACCEPTED,
                _("Only an accepted complaint that is not concluded yet can be concluded."),
            ),
        )
        require(
            investigation,
            InvalidInput(Code.INVESTIGATION_REQUIRED, _("Describe what was investigated.")),
        )
        require(outcome, InvalidInput(Code.OUTCOME_REQUIRED, _("Give the outcome.")))
        complaint.status = Complaint.Status.CONCLUDED
        complaint.investigation = investigation
        complaint.outcome = outcome
        complaint.concluded_by = actor
        complaint.concluder_real_name = actor.display_name()
        complaint.concluded_at = timezone.now()
        complaint.save()
        record(
            actor=actor,
            action="complaints.concluded",
            obj=complaint,
            estate_id=complaint.estate_id,
            summary={
                "concluder_real_name": complaint.concluder_real_name,
                "late": timezone.localdate() > complaint.conclude_by,
                "investigation_sha256": _digest(investigation),
                "outcome_sha256": _digest(outcome),
            },
        )
        with translation.override(settings.LANGUAGE_CODE):
            _tell_owner(
                complaint,
                kind="complaint.concluded",
                title=gettext("Your complaint was concluded"),
                sms_title=sms_titles.COMPLAINT_CONCLUDED,
                body=gettext("Your complaint was concluded. Outcome: %(outcome)s") % {"outcome": outcome},
            )
    return complaint


def _tell_owner(complaint: Complaint, *, kind: str, title: str, body: str, sms_title) -> None:
    if complaint.on_own_initiative:  # opened by the office itself: no owner to tell
        return
    notify(
        users=[complaint.filed_by],
        kind=kind,
        title=title,
        body=body,
        link=_owner_link(complaint),
        estate=complaint.estate,
        sms=True,
        sms_title=sms_title,
        event=f"{kind}:{complaint.pk}",
        new_event=True,
    )


def complaint_file_read(*, actor, complaint_id: int, file_id: int) -> tuple[StoredFile, bytes]:
    """A file of a complaint, for its complainant and its handling office; the read is logged."""
    complaint = access_complaint(actor, complaint_id)
    stored = complaint.files.filter(pk=file_id).first()
    require(stored is not None, NotFound(Code.FILE_NOT_FOUND, _("File not found.")))
    with transaction.atomic():
        record(
            actor=actor,
            action="file.read",
            obj=stored,
            estate_id=complaint.estate_id,
            summary={"purpose": "complaint", "complaint": complaint.pk, "name": stored.name},
        )
        content = read_file(stored)
    return stored, content


def complainant_contact(*, actor, complaint_id: int) -> dict:
    """The complainant's name and mobile in clear, for the handling office to reach them; each
    read is written to the audit log (``audit.pii.reveal``)."""
    complaint = access_complaint(actor, complaint_id, need=Need.HANDLE)
    purpose = f"complaint {complaint.pk}"
    with transaction.atomic():
        name = (
            reveal(complaint, "name", actor=actor, purpose=purpose, estate_id=complaint.estate_id)
            if complaint.name_enc
            else ""
        )
        mobile = (
            reveal(complaint, "mobile", actor=actor, purpose=purpose, estate_id=complaint.estate_id)
            if complaint.mobile_enc
            else ""
        )
    return {"name": name, "mobile": mobile}


def complaint_file_referred(
    *, actor, filed_by, estate, meeting, text: str, referred_from: dict, now=None
) -> Complaint:
    """A complaint about a ballot filed for ``filed_by`` by another app's procedure, not through
    the complaint form: an objection to the result (R-TRUST-2) whose answer its owner disputed, or
    that the convener left unanswered past the publicity (``actor`` None: the hourly sweep). The
    calling service checked who may do it and holds its own row locks; here, as ``complaint_file``
    does, the handling body is fixed, the filer's identity sealed, the event recorded with
    ``referred_from`` (``{"objection": id, "why": ...}``) and the office and the owner told."""
    text = (text or "").strip()
    with transaction.atomic():
        _require_text(text)
        complaint = _new_complaint(
            estate=estate,
            subject=Complaint.Subject.BALLOT,
            meeting=meeting,
            text=text,
            filed_by=filed_by,
            filed_on=timezone.localdate(now or timezone.now()),
        )
        _seal_complainant(complaint, filed_by, estate)
        complaint.save()
        record(
            actor=actor,
            action="complaints.filed",
            obj=complaint,
            estate_id=estate.pk,
            summary=_filed_summary(complaint, files=[], referred_from=referred_from),
        )
        _tell_filed(complaint, meeting.convener.kind)
    return complaint
