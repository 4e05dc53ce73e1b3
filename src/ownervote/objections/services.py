"""Objections to the publicised result (询异, R-TRUST-2). Each change is one transaction: reach and
permission check (``access``), row lock, the state transition, its audit event (estate stream; free
text only as its digest, never who raised it) and the messages: the convener when one is raised,
the owner when it is answered, the street office when it becomes a complaint.

Time: every service takes ``now`` (default: the clock); days are Beijing days. Raised only during
the publicity (``rules.objections.in_publicity``); answered by its last day (``answer_by``). A
disputed answer becomes a complaint at once (``complaints.services.complaint_file_referred``); an
objection unanswered past ``answer_by`` becomes one in the hourly sweep (``escalate_overdue``)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.complaints.services import complaint_file_referred
from ownervote.core.access import fetch
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound, require
from ownervote.meetings import selectors as meeting_selectors
from ownervote.notify import sms_titles
from ownervote.notify.services import notify
from ownervote.orgs.models import User
from ownervote.roster.models import Flat
from ownervote.rules import objections as rules
from ownervote.voting.models import Ballot
from ownervote.voting.services.cast import normalise_code

from . import events, permissions
from .access import (
    Need,
    access_meeting_objections,
    access_objection,
    access_publicised_meeting,
    publicity_of,
)
from .errors import Code
from .models import ResultObjection

MAX_TEXT = 4000

PROBLEMS = {
    rules.UNKNOWN_KIND: (InvalidInput, Code.KIND_INVALID, _("Choose what the objection is about.")),
    rules.NOT_OWN_FLAT: (
        InvalidInput,
        Code.NOT_OWN_FLAT,
        _("This objection can only be raised about a flat you own."),
    ),
    rules.OWN_FLAT: (
        InvalidInput,
        Code.OWN_FLAT,
        _('This is your own flat: choose "I never voted" or "my choices differ".'),
    ),
    rules.NO_BALLOT: (
        Conflict,
        Code.NO_BALLOT,
        _("No counted ballot is recorded for this flat: there is no ballot to object to."),
    ),
    rules.GROUNDS_REQUIRED: (
        InvalidInput,
        Code.GROUNDS_REQUIRED,
        _("Say why you doubt this flat's ballot (at least %(n)d characters).")
        % {"n": rules.GROUNDS_MIN_CHARS},
    ),
}


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _day(now: dt.datetime) -> dt.date:
    return timezone.localdate(now, meeting_selectors.beijing())


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _clean(text: str) -> str:
    return (text or "").strip()[:MAX_TEXT]


def _convener_users(meeting) -> list:
    return list(
        User.objects.filter(is_active=True, memberships__organisation_id=meeting.convener_id)
        .distinct()
        .order_by("pk")
    )


def flat_label(flat) -> str:
    return f"{flat.building.name}-{flat.room}" if flat is not None else ""


def ballot_recorded(meeting, flat_id: int) -> bool:
    """A counted ballot (electronic, or paper not superseded) is recorded for the flat."""
    return Ballot.objects.filter(meeting=meeting, flat_id=flat_id, superseded=False).exists()


def _console_link(objection: ResultObjection) -> str:
    return reverse("objections:console", args=[objection.meeting_id]) + f"#objection-{objection.pk}"


def _owner_link(objection: ResultObjection) -> str:
    return reverse("objections:mine") + f"#objection-{objection.pk}"


def objection_raise(
    *,
    actor,
    meeting_id: int,
    flat_id: int,
    kind: str,
    text: str,
    receipt: str = "",
    now: dt.datetime | None = None,
) -> ResultObjection:
    """An owner of the estate questions one flat's ballot while the result is publicised (R-TRUST-2).
    404 without a publicised result, 403 ``objection.not_owner`` for anybody but the estate's
    owners, 409 ``objection.not_in_publicity`` after its last day; ``never_voted`` and
    ``wrong_choice`` only on the owner's own flat (422 ``objection.not_own_flat``) with a counted
    ballot recorded (409 ``objection.no_ballot``); ``doubt_other`` with grounds. The convener is
    told, and ``events.objection_raised`` is sent once it commits."""
    now = _now(now)
    today = _day(now)
    text = _clean(text)
    with transaction.atomic():
        publicity = access_publicised_meeting(actor, meeting_id, today)
        meeting = publicity.meeting
        estate = meeting.estate
        require(
            rules.in_publicity(today, publicity.starts_on, publicity.ends_on),
            Conflict(
                Code.NOT_PUBLICISED,
                _("Objections can be raised only while the result is publicised (until %(date)s).")
                % {"date": publicity.ends_on.isoformat()},
            ),
        )
        flat = fetch(Flat.objects.select_related("building"), flat_id)
        if flat is None or flat.estate_id != estate.pk or flat.removed_at is not None:
            raise NotFound(Code.FLAT_NOT_FOUND, _("No such flat in this estate."))
        if kind in (rules.NEVER_VOTED, rules.WRONG_CHOICE) and not text:
            text = str(ResultObjection.Kind(kind).label)
        problem = rules.raise_problem(
            kind,
            own_flat=flat.pk in permissions.own_flat_ids(actor, estate),
            ballot_recorded=ballot_recorded(meeting, flat.pk),
            text=text,
        )
        if problem is not None:
            error_class, code, message = PROBLEMS[problem]
            raise error_class(code, message)
        objection = ResultObjection.objects.create(
            meeting=meeting,
            estate=estate,
            result=publicity.result,
            flat=flat,
            kind=kind,
            raised_by=actor,
            text=text,
            receipt=normalise_code(receipt or "")[:16],
            raised_at=now,
            answer_by=rules.answer_by(publicity.ends_on),
        )
        record(
            actor=actor,
            action="objections.raised",
            obj=objection,
            estate_id=estate.pk,
            summary={
                "meeting": meeting.pk,
                "result": publicity.result_id,
                "flat": flat.pk,
                "kind": kind,
                "answer_by": objection.answer_by.isoformat(),
                "text_sha256": _digest(text),
            },
        )
        _tell_convener(objection)
        transaction.on_commit(
            lambda: events.objection_raised.send(sender=ResultObjection, objection=objection)
        )
    return objection


def _tell_convener(objection: ResultObjection) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            users=_convener_users(objection.meeting),
            kind="objection.raised",
            title=gettext("An objection to the result of %(meeting)s") % {"meeting": objection.meeting.title},
            body=gettext("An objection about the ballot of %(flat)s was raised. Answer it by %(date)s.")
            % {"flat": flat_label(objection.flat) or "—", "date": objection.answer_by.isoformat()},
            link=_console_link(objection),
            estate=objection.estate,
            event=f"objection.raised:{objection.pk}",
            new_event=True,
        )


def objection_refer(
    *,
    actor,
    estate,
    meeting,
    flat=None,
    text: str,
    answer_by: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ResultObjection:
    """The street office (the convener's supervisor) refers an impersonation signal (R-TRUST-1) to
    the convener as an objection of kind ``referred``, to answer by ``answer_by`` (default: the
    publicity's last day, or 10 days from today without a publicised result). 403
    ``objection.refer_forbidden`` for anybody else."""
    now = _now(now)
    today = _day(now)
    text = _clean(text)
    with transaction.atomic():
        meeting = access_meeting_objections(actor, meeting.pk, lock=True)
        require(
            permissions.can_refer(actor, meeting),
            Forbidden(
                Code.REFER_FORBIDDEN, _("Only the body supervising the convener refers a signal to it.")
            ),
        )
        require(meeting.estate_id == estate.pk, NotFound(Code.MEETING_NOT_FOUND, _("Meeting not found.")))
        require(text, InvalidInput(Code.TEXT_REQUIRED, _("Say what the convener must look into.")))
        if flat is not None:
            require(
                flat.estate_id == estate.pk, NotFound(Code.FLAT_NOT_FOUND, _("No such flat in this estate."))
            )
        publicity = publicity_of(meeting.pk, today)
        if answer_by is None:
            answer_by = publicity.ends_on if publicity is not None else today + dt.timedelta(days=10)
        objection = ResultObjection.objects.create(
            meeting=meeting,
            estate=estate,
            result=publicity.result if publicity is not None else None,
            flat=flat,
            kind=ResultObjection.Kind.REFERRED,
            raised_by=actor,
            text=text,
            raised_at=now,
            answer_by=answer_by,
        )
        record(
            actor=actor,
            action="objections.referred",
            obj=objection,
            estate_id=estate.pk,
            summary={
                "meeting": meeting.pk,
                "flat": flat.pk if flat is not None else None,
                "answer_by": answer_by.isoformat(),
                "text_sha256": _digest(text),
            },
        )
        _tell_convener(objection)
    return objection


def objection_answer(
    *, actor, objection_id: int, answer: str, now: dt.datetime | None = None
) -> ResultObjection:
    """The convener answers an open objection by its last day (409 ``objection.answer_too_late``
    after, ``objection.already_answered`` twice); the owner is told by inbox and SMS."""
    now = _now(now)
    answer = _clean(answer)
    with transaction.atomic():
        objection = access_objection(actor, objection_id, need=Need.ANSWER, lock=True)
        require(
            objection.status == ResultObjection.Status.OPEN,
            Conflict(Code.ALREADY_ANSWERED, _("This objection was already answered or closed.")),
        )
        require(
            rules.may_answer(_day(now), objection.answer_by),
            Conflict(
                Code.ANSWER_TOO_LATE,
                _("The time to answer ended on %(date)s; the objection goes to the street office.")
                % {"date": objection.answer_by.isoformat()},
            ),
        )
        require(answer, InvalidInput(Code.ANSWER_REQUIRED, _("Write the answer.")))
        objection.status = ResultObjection.Status.ANSWERED
        objection.answer = answer
        objection.answered_by = actor
        objection.answered_at = now
        objection.save()
        record(
            actor=actor,
            action="objections.answered",
            obj=objection,
            estate_id=objection.estate_id,
            summary={"answerer_real_name": actor.display_name(), "answer_sha256": _digest(answer)},
        )
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                users=[objection.raised_by],
                kind="objection.answered",
                title=gettext("Your objection was answered"),
                body=gettext(
                    "The convener answered your objection about %(flat)s. Accept the answer, or "
                    "dispute it and it goes to the street office as a complaint."
                )
                % {"flat": flat_label(objection.flat) or "—"},
                link=_owner_link(objection),
                estate=objection.estate,
                sms=True,
                sms_title=sms_titles.OBJECTION_ANSWERED,
                event=f"objection.answered:{objection.pk}",
                new_event=True,
            )
    return objection


def objection_accept(*, actor, objection_id: int, now: dt.datetime | None = None) -> ResultObjection:
    """Whoever raised it accepts the convener's answer (409 ``objection.not_answered`` before it is
    answered, ``objection.already_closed`` after it was accepted or disputed)."""
    now = _now(now)
    with transaction.atomic():
        objection = access_objection(actor, objection_id, need=Need.RESPOND, lock=True)
        _require_answered(objection)
        objection.status = ResultObjection.Status.ACCEPTED
        objection.closed_at = now
        objection.save()
        record(actor=actor, action="objections.accepted", obj=objection, estate_id=objection.estate_id)
    return objection


def _require_answered(objection: ResultObjection) -> None:
    require(
        objection.status != ResultObjection.Status.OPEN,
        Conflict(Code.NOT_ANSWERED, _("The convener has not answered yet.")),
    )
    require(
        objection.status == ResultObjection.Status.ANSWERED,
        Conflict(Code.ALREADY_CLOSED, _("This objection is closed already.")),
    )


def _complaint_text(objection: ResultObjection, why: str) -> str:
    lines = [
        why,
        gettext("Flat: %(flat)s") % {"flat": flat_label(objection.flat) or "—"},
        gettext("Objection: %(kind)s") % {"kind": ResultObjection.Kind(objection.kind).label},
        objection.text,
    ]
    if objection.answer:
        lines.append(gettext("Convener's answer: %(answer)s") % {"answer": objection.answer})
    return "\n".join(lines)


def objection_dispute(
    *, actor, objection_id: int, reason: str = "", now: dt.datetime | None = None
) -> ResultObjection:
    """Whoever raised it disputes the answer: it becomes a complaint to the street office at once
    (R-TRUST-2, R-SEC-4), which is told; the objection names the complaint."""
    now = _now(now)
    reason = _clean(reason)
    with transaction.atomic():
        objection = access_objection(actor, objection_id, need=Need.RESPOND, lock=True)
        _require_answered(objection)
        with translation.override(settings.LANGUAGE_CODE):
            why = gettext("The owner disputes the convener's answer to their objection to the result.")
        _into_complaint(
            objection,
            actor=actor,
            why=why,
            reason=reason,
            status=ResultObjection.Status.DISPUTED,
            action="objections.disputed",
            summary={"reason_sha256": _digest(reason)},
            now=now,
        )
    return objection


def _into_complaint(
    objection: ResultObjection,
    *,
    actor,
    why: str,
    status: str,
    action: str,
    summary: dict,
    now,
    reason: str = "",
):
    """The objection becomes a complaint to the street office (R-TRUST-2, R-SEC-4), filed for the
    owner who raised it, with ``why``, the objection, the answer and the owner's ``reason`` quoted;
    the objection closes with ``status`` and its audit event ``action``."""
    with translation.override(settings.LANGUAGE_CODE):
        text = _complaint_text(objection, why) + (f"\n{reason}" if reason else "")
    complaint = complaint_file_referred(
        actor=actor,
        filed_by=objection.raised_by,
        estate=objection.estate,
        meeting=objection.meeting,
        text=text,
        referred_from={
            "objection": objection.pk,
            "why": "disputed" if status == ResultObjection.Status.DISPUTED else "unanswered",
        },
        now=now,
    )
    objection.status = status
    objection.complaint = complaint
    objection.closed_at = now
    objection.save()
    record(
        actor=actor,
        action=action,
        obj=objection,
        estate_id=objection.estate_id,
        summary={"complaint": complaint.pk, **summary},
    )
    return complaint


def escalate_overdue(*, now: dt.datetime | None = None) -> list[int]:
    """The hourly sweep: every objection still unanswered after its last day becomes a complaint
    to the street office (R-TRUST-2), filed for whoever raised it. Returns the objections' ids."""
    now = _now(now)
    today = _day(now)
    done = []
    due = ResultObjection.objects.filter(status=ResultObjection.Status.OPEN, answer_by__lt=today)
    for pk in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            objection = (
                ResultObjection.objects.select_for_update(of=("self",))
                .select_related(
                    "meeting", "meeting__convener", "estate", "flat", "flat__building", "raised_by"
                )
                .filter(pk=pk, status=ResultObjection.Status.OPEN)
                .first()
            )
            if objection is None:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                why = gettext("The convener did not answer this objection to the result by %(date)s.") % {
                    "date": objection.answer_by.isoformat()
                }
            _into_complaint(
                objection,
                actor=None,
                why=why,
                status=ResultObjection.Status.COMPLAINT,
                action="objections.escalated",
                summary={"answer_by": objection.answer_by.isoformat()},
                now=now,
            )
            done.append(objection.pk)
    return done


def public_meeting(meeting_id: int, *, now: dt.datetime | None = None):
    """The meeting of a result publicised by today (anybody may read its objection counts, as the
    public result page shows them); NotFound otherwise."""
    publicity = publicity_of(meeting_id, _day(_now(now)))
    if publicity is None:
        raise NotFound(Code.MEETING_NOT_FOUND, _("This meeting has no publicised result."))
    return publicity.meeting
