"""Reviewing impersonation signals (R-TRUST-1). Each change is one transaction: reach and
permission check (``access``), row lock, the state transition, the change and its audit event
(estate stream; free text only as its digest). A signal never blocks anyone: reviewing it records
what the office concluded, and at most opens a complaint or refers it to the convener.

- ``signal_review``: the handling office dismisses the signal, refers it to the convener as an
  objection, or turns it into a complaint it opens on its own initiative.
- ``signal_reveal``: one masked value of the evidence in clear, read from the row the evidence
  names, with the reason; every reveal is a ``SignalReveal`` row and audit events."""

from __future__ import annotations

import hashlib
import operator
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.pii import reveal
from ownervote.audit.services import record
from ownervote.bindings.models import Binding
from ownervote.complaints import services as complaints
from ownervote.complaints.models import Complaint
from ownervote.core.errors import Conflict, InvalidInput, NotFound, require
from ownervote.objections.services import objection_refer
from ownervote.roster.models import Flat
from ownervote.verification.models import Verification
from ownervote.voting.models import Ballot, Proxy, Submission

from . import permissions
from .access import Need, access_signal
from .errors import Code
from .models import Kind, Signal, SignalReveal, SignalReview

MAX_TEXT = 4000
OUTCOMES = (Signal.Status.DISMISSED, Signal.Status.REFERRED, Signal.Status.COMPLAINT)
# Signals about ballots and proxies concern a meeting's votes; the rest concern bindings.
BALLOT_KINDS = {Kind.ADDRESS_BALLOTS, Kind.DISOWNED_BALLOT, Kind.PROXY_CONCENTRATION}


def _clean(text: str) -> str:
    return (text or "").strip()[:MAX_TEXT]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- review ---------------------------------------------------------------------------------


def _refer_to_convener(*, actor, signal: Signal, note: str, now) -> None:
    """A signal referred to the convener becomes an objection of kind ``referred`` (R-TRUST-2) the
    convener must answer, by the publicity's last day (or within 10 days); unanswered or disputed,
    it becomes a complaint like an owner's. Only a signal about a meeting can be referred: one about
    bindings alone is dismissed or becomes a complaint. Runs inside ``signal_review``'s transaction."""
    require(
        signal.meeting_id is not None,
        Conflict(
            Code.REFER_NEEDS_MEETING,
            _("Only a signal about a meeting's votes can be referred to its convener as an objection."),
        ),
    )
    flat = None
    if signal.kind == Kind.DISOWNED_BALLOT and signal.key.startswith("flat:"):
        flat = Flat.objects.filter(pk=signal.key.removeprefix("flat:"), estate_id=signal.estate_id).first()
    objection = objection_refer(
        actor=actor, estate=signal.estate, meeting=signal.meeting, flat=flat, text=note, now=now
    )
    record(
        actor=actor,
        action="trust.referred",
        obj=signal,
        estate_id=signal.estate_id,
        summary={
            "kind": signal.kind,
            "meeting": signal.meeting_id,
            "objection": objection.pk,
            "at": now.isoformat(),
            "note_sha256": _digest(note),
        },
    )


def _open_complaint(*, actor, signal: Signal, note: str, now) -> Complaint:
    """The complaint a signal becomes, opened by the office on its own initiative."""
    if signal.meeting_id and signal.kind in BALLOT_KINDS:
        subject = Complaint.Subject.BALLOT
    elif signal.meeting_id:
        subject = Complaint.Subject.MEETING
    else:
        subject = Complaint.Subject.BINDING
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext("Impersonation signal %(id)d (%(kind)s, %(n)d items of evidence): %(note)s") % {
            "id": signal.pk,
            "kind": Kind(signal.kind).label,
            "n": signal.evidence_count,
            "note": note,
        }
    return complaints.complaint_open_by_office(
        actor=actor, estate=signal.estate, meeting=signal.meeting, subject=subject, text=text, now=now
    )


def signal_review(*, actor, signal_id: int, outcome: str, note: str, now=None) -> Signal:
    """The handling office records the outcome of its review, with the reason (``note``):
    ``dismissed`` (nothing wrong found; it opens again when its evidence grows), ``referred`` to the
    convener as an objection, or ``complaint`` (a complaint opened on the office's own initiative,
    stored on the signal). 422 ``signal.outcome_invalid`` / ``signal.note_required``; 409
    ``signal.already_reviewed`` when the signal is not open."""
    note = _clean(note)
    now = now or timezone.now()
    with transaction.atomic():
        signal = access_signal(actor, signal_id, need=Need.REVIEW, lock=True)
        require(
            outcome in OUTCOMES,
            InvalidInput(Code.OUTCOME_INVALID, _("Choose the outcome of the review.")),
        )
        message = _("Give the reason for the outcome.")
        require(note, InvalidInput(Code.NOTE_REQUIRED, message, details={"fields": {"note": message}}))
        require(
            outcome in Signal.TRANSITIONS[Signal.Status(signal.status)],
            Conflict(Code.ALREADY_REVIEWED, _("This signal has already been reviewed.")),
        )
        organisation = permissions.handling_organisation(actor, signal)
        if outcome == Signal.Status.COMPLAINT:
            signal.complaint = _open_complaint(actor=actor, signal=signal, note=note, now=now)
        elif outcome == Signal.Status.REFERRED:
            _refer_to_convener(actor=actor, signal=signal, note=note, now=now)
        signal.status = outcome
        signal.reviewed_at = now
        signal.reviewed_by = actor
        signal.reviewed_count = signal.evidence_count
        signal.save()
        review = SignalReview.objects.create(
            signal=signal,
            outcome=outcome,
            note=note,
            by=actor,
            reviewer_real_name=actor.display_name(),
            organisation=organisation,
            evidence_count=signal.evidence_count,
            at=now,
        )
        record(
            actor=actor,
            action="trust.reviewed",
            obj=signal,
            estate_id=signal.estate_id,
            summary={
                "review": review.pk,
                "kind": signal.kind,
                "outcome": outcome,
                "reviewer_real_name": review.reviewer_real_name,
                "organisation": organisation.pk,
                "evidence_count": signal.evidence_count,
                "complaint": signal.complaint_id,
                "note_sha256": _digest(note),
            },
        )
    return signal


# --- reveal ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a masked evidence field's clear value lives: the model the evidence item names, the
    path from its row to the row holding the personal data ("" for the row itself), and the
    ``core.pii`` attribute there."""

    model: type[models.Model]
    path: str
    attr: str


# (evidence type, field) -> its source. A field not listed here cannot be revealed.
SOURCES: dict[tuple[str, str], Source] = {
    ("binding", "owner"): Source(Binding, "owner", "name"),
    ("binding", "name"): Source(Binding, "verification", "name"),
    ("binding", "id_number"): Source(Binding, "verification", "id_number"),
    ("binding", "mobile"): Source(Binding, "user", "mobile"),
    ("verification", "name"): Source(Verification, "", "name"),
    ("verification", "owner"): Source(Verification, "", "name"),
    ("verification", "id_number"): Source(Verification, "", "id_number"),
    ("verification", "mobile"): Source(Verification, "", "mobile"),
    ("submission", "mobile"): Source(Submission, "user", "mobile"),
    ("submission", "holder"): Source(Submission, "proxy", "name"),
    ("ballot", "owner"): Source(Ballot, "binding.owner", "name"),
    ("ballot", "mobile"): Source(Ballot, "cast_by", "mobile"),
    ("ballot", "holder"): Source(Ballot, "proxy", "name"),
    ("proxy", "owner"): Source(Proxy, "owner", "name"),
    ("proxy", "holder"): Source(Proxy, "", "name"),
    ("proxy", "name"): Source(Proxy, "", "name"),
    ("proxy", "id_number"): Source(Proxy, "", "id_number"),
    ("proxy", "mobile"): Source(Proxy, "", "mobile"),
}
# How a source row names its estate: a row of another estate is never read through a signal.
ESTATE_OF = {
    Binding: "estate_id",
    Verification: "estate_id",
    Submission: "meeting.estate_id",
    Ballot: "meeting.estate_id",
    Proxy: "estate_id",
}


def _follow(obj, path: str):
    return operator.attrgetter(path)(obj) if path else obj


def _source_row(signal: Signal, item: int, field: str):
    """(the row holding the clear value, its pii attribute) of evidence ``item``'s ``field``."""
    evidence = signal.evidence if isinstance(signal.evidence, list) else []
    entry = evidence[item] if 0 <= item < len(evidence) and isinstance(evidence[item], dict) else None
    require(entry is not None, NotFound(Code.EVIDENCE_NOT_FOUND, _("No such item of evidence.")))
    source = SOURCES.get((str(entry.get("type", "")), field))
    require(
        source is not None and field in entry,
        InvalidInput(Code.FIELD_NOT_REVEALABLE, _("This value cannot be shown in clear.")),
    )
    row = (
        source.model.objects.filter(pk=entry.get("id")).first()
        if str(entry.get("id", "")).isdigit()
        else None
    )
    estate_id = holder = None
    try:
        estate_id = _follow(row, ESTATE_OF[source.model]) if row is not None else None
        holder = _follow(row, source.path) if row is not None else None
    except AttributeError:  # a path through an empty relation (a ballot without binding)
        holder = None
    require(
        holder is not None and estate_id in (None, signal.estate_id),
        NotFound(Code.EVIDENCE_NOT_FOUND, _("The record behind this evidence was not found.")),
    )
    return holder, source.attr


def signal_reveal(*, actor, signal_id: int, item: int, field: str, reason: str, now=None) -> str:
    """The clear value of one masked field of evidence ``item`` (``owner``, ``name``, ``holder``,
    ``mobile``, ``id_number``), read from the row the evidence names and decrypted; for the
    handling office only, with the ``reason`` (422 ``signal.reason_required``). Each reveal is a
    ``SignalReveal`` row, a ``trust.revealed`` and a ``pii.read`` audit event."""
    reason = _clean(reason)
    now = now or timezone.now()
    with transaction.atomic():
        signal = access_signal(actor, signal_id, need=Need.REVEAL)
        message = _("Say why the value must be seen.")
        require(reason, InvalidInput(Code.REASON_REQUIRED, message, details={"fields": {"reason": message}}))
        holder, attr = _source_row(signal, item, field)
        shown = SignalReveal.objects.create(
            signal=signal, item=item, field=field, reason=reason, by=actor, at=now
        )
        record(
            actor=actor,
            action="trust.revealed",
            obj=signal,
            estate_id=signal.estate_id,
            summary={
                "reveal": shown.pk,
                "item": item,
                "field": field,
                "type": signal.evidence[item].get("type"),
                "reason_sha256": _digest(reason),
            },
        )
        if not getattr(holder, f"{attr}_enc", ""):
            return ""
        return reveal(holder, attr, actor=actor, purpose=f"signal {signal.pk}", estate_id=signal.estate_id)
