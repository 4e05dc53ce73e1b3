"""Extending the voting period (R-VOTE-5, art. 19): the convener requests it for force majeure,
an accident or a technical failure, with an explanation and the new close; the street office of
the estate's street approves or refuses. Only approval moves ``voting_closes_at`` (in the same
transaction, with a new close task); a refusal changes nothing but the request."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.bindinglist import selectors as list_selectors
from ownervote.core.errors import Conflict, InvalidInput, require
from ownervote.meetings import audiences
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Eligibility, Meeting
from ownervote.notify import sms_titles
from ownervote.notify.services import notify, short_title
from ownervote.orgs import scoping

from ..access import Need, access_extension, access_voting
from ..errors import Code
from ..models import Extension
from ..tasks import enqueue_close
from .progress import when

S = Meeting.Status
MAX_TEXT = 4000
OPEN_STATUSES = (S.PUBLISHED, S.VOTING)


_aware = meeting_selectors.aware


# --- who sees requests -------------------------------------------------------------------------


def extensions_for(actor, meeting_id: int) -> QuerySet[Extension]:
    """The meeting's extension requests, for its convener and the street office
    (``Need.EXTENSIONS``)."""
    meeting = access_voting(actor, meeting_id, need=Need.EXTENSIONS)
    return Extension.objects.filter(meeting=meeting).select_related("requested_by", "decided_by")


def pending_for(actor) -> QuerySet[Extension]:
    """The requests awaiting the actor as the supervisor of their meeting's convener: a street office
    for the estates of its streets, a district bureau where a street office convenes (R-ORG-3)."""
    return (
        Extension.objects.filter(
            scoping.supervised_q(actor, estate="meeting__estate", convener_kind="meeting__convener__kind"),
            status=Extension.Status.REQUESTED,
        )
        .select_related("meeting", "meeting__estate", "meeting__convener", "requested_by")
        .order_by("requested_at", "id")
    )


# --- request -----------------------------------------------------------------------------------


def extension_request(*, actor, meeting_id: int, reason: str, explanation: str, closes_at) -> Extension:
    """The convener asks the street office to extend the voting to ``closes_at`` (R-VOTE-5): a
    publicised meeting or one whose voting is open and not yet over (409 ``meeting.wrong_status``,
    ``extension.too_late``); the reason one of ``Extension.Reason``, an explanation, a new close
    later than the current one (422 ``invalid_input`` with ``details`` per field); one request
    pending at a time (409 ``extension.pending``). The street office is told."""
    explanation = str(explanation or "").strip()[:MAX_TEXT]
    closes = _aware(closes_at)
    with transaction.atomic():
        meeting = access_voting(actor, meeting_id, need=Need.RUN, lock=True)
        require(
            meeting.status in OPEN_STATUSES,
            Conflict(
                Code.MEETING_WRONG_STATUS,
                _("An extension is requested for a publicised meeting or while its voting is open."),
            ),
        )
        now = timezone.now()
        require(
            now < meeting.voting_closes_at,
            Conflict(Code.EXTENSION_TOO_LATE, _("The voting period is over: it can no longer be extended.")),
        )
        errors: dict[str, str] = {}
        if reason not in Extension.Reason.values:
            errors["reason"] = str(_("Choose force majeure, accident or technical failure."))
        if not explanation:
            errors["explanation"] = str(_("Explain what happened."))
        if closes is None:
            errors["closes_at"] = str(_("Give the new close of the voting."))
        elif closes <= meeting.voting_closes_at:
            errors["closes_at"] = str(
                _("The new close must be later than the current one (%(when)s).")
                % {"when": when(meeting.voting_closes_at)}
            )
        if errors:
            raise InvalidInput(
                Code.INVALID_INPUT, _("The extension request is incomplete."), details={"fields": errors}
            )
        require(
            not Extension.objects.filter(meeting=meeting, status=Extension.Status.REQUESTED).exists(),
            Conflict(
                Code.EXTENSION_PENDING, _("An extension request is already awaiting the street office.")
            ),
        )
        try:
            with transaction.atomic():
                extension = Extension.objects.create(
                    meeting=meeting,
                    reason=reason,
                    explanation=explanation,
                    closes_at_before=meeting.voting_closes_at,
                    closes_at_requested=closes,
                    requested_by=actor,
                )
        except IntegrityError as exc:
            raise Conflict(
                Code.EXTENSION_PENDING, _("An extension request is already awaiting the street office.")
            ) from exc
        record(
            actor=actor,
            action="voting.extension_requested",
            obj=extension,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                "reason": reason,
                "closes_at_before": meeting.voting_closes_at.isoformat(),
                "closes_at_requested": closes.isoformat(),
            },
        )
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                users=audiences.supervisor_users(meeting),
                kind="voting.extension_requested",
                title=gettext("Extension of the voting requested: %(title)s") % {"title": meeting.title},
                body=gettext(
                    "%(convener)s asks to extend the voting of “%(title)s” from %(before)s to %(after)s "
                    "(%(reason)s): %(explanation)s"
                )
                % {
                    "convener": meeting.convener.name,
                    "title": meeting.title,
                    "before": when(meeting.voting_closes_at),
                    "after": when(closes),
                    "reason": Extension.Reason(reason).label,
                    "explanation": explanation,
                },
                link=reverse("voting:extensions"),
                estate=meeting.estate,
                event=f"extension:{extension.pk}:requested",
            )
    return extension


# --- decision ----------------------------------------------------------------------------------


def extension_decide(*, actor, extension_id: int, approve: bool, note: str = "") -> Extension:
    """The street office of the estate's street decides a request (R-VOTE-5). Approval moves the
    meeting's close to the requested time in this transaction and schedules the close anew;
    everybody eligible and the convener are told. Refusal (a note is required, 422) changes
    nothing else; the convener is told. 404 ``extension.not_found`` when the actor may not see
    the meeting, 403 ``extension.forbidden`` for anybody but the street office, 409
    ``extension.decided`` once decided, 409 ``extension.too_late`` when the requested close has
    passed or the voting closed."""
    note = str(note or "").strip()[:MAX_TEXT]
    with transaction.atomic():
        extension = access_extension(actor, extension_id, need=Need.DECIDE, lock=True)
        meeting = extension.meeting
        require(
            extension.status == Extension.Status.REQUESTED,
            Conflict(Code.EXTENSION_DECIDED, _("This request has already been decided.")),
        )
        if not approve:
            require(
                note,
                InvalidInput(
                    Code.INVALID_INPUT,
                    _("Give the reason for the refusal."),
                    details={"fields": {"note": str(_("Give the reason for the refusal."))}},
                ),
            )
        now = timezone.now()
        if approve:
            require(
                meeting.status in OPEN_STATUSES and now < extension.closes_at_requested,
                Conflict(Code.EXTENSION_TOO_LATE, _("The voting can no longer be extended to that time.")),
            )
            require(
                extension.closes_at_requested > meeting.voting_closes_at,
                Conflict(Code.EXTENSION_TOO_LATE, _("The voting already closes later than requested.")),
            )
        extension.status = Extension.Status.APPROVED if approve else Extension.Status.REFUSED
        extension.decided_by = actor
        extension.decided_at = now
        extension.decision_note = note
        extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        before = meeting.voting_closes_at
        if approve:
            meeting.voting_closes_at = extension.closes_at_requested
            meeting.save(update_fields=["voting_closes_at", "updated_at"])
            if meeting.status == S.VOTING:
                enqueue_close(meeting)
        record(
            actor=actor,
            action="voting.extension_approved" if approve else "voting.extension_refused",
            obj=extension,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                "closes_at_before": before.isoformat(),
                "closes_at": meeting.voting_closes_at.isoformat(),
                "note": note,
            },
        )
        _tell_decision(meeting, extension, before)
    return extension


def _tell_decision(meeting: Meeting, extension: Extension, before: dt.datetime) -> None:
    conveners = audiences.convener_members(meeting)
    with translation.override(settings.LANGUAGE_CODE):
        if extension.status == Extension.Status.REFUSED:
            notify(
                users=conveners,
                kind="voting.extension_refused",
                title=gettext("Extension refused: %(title)s") % {"title": meeting.title},
                body=gettext("The street office refused to extend the voting: %(note)s")
                % {"note": extension.decision_note},
                link=reverse("voting:progress", args=[meeting.pk]),
                estate=meeting.estate,
                event=f"extension:{extension.pk}:refused",
            )
            return
        if meeting.status == S.VOTING:
            voters = [
                e.user
                for e in Eligibility.objects.filter(meeting=meeting)
                .select_related("user")
                .order_by("user_id")
            ]
        else:  # publicised: the eligibility is frozen when voting opens; tell the bound owners
            voters = list(list_selectors.bound_owner_users(meeting.estate))
        body = gettext(
            "The street office approved extending the voting of “%(title)s”: it now closes at %(after)s "
            "instead of %(before)s (%(reason)s)."
        ) % {
            "title": meeting.title,
            "after": when(meeting.voting_closes_at),
            "before": when(before),
            "reason": Extension.Reason(extension.reason).label,
        }
        notify(
            users=[*voters, *conveners],
            kind="voting.extension_approved",
            title=gettext("Voting extended: %(title)s") % {"title": meeting.title},
            body=body,
            link=reverse("meetings:notice", args=[meeting.pk]),
            estate=meeting.estate,
            sms=True,
            sms_title=short_title(
                sms_titles.VOTING_EXTENDED, meeting=meeting.title, estate=meeting.estate.name
            ),
            event=f"extension:{extension.pk}:approved",
        )
