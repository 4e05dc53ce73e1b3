"""Reaching objections and what they are about (``core.access`` explains the pattern): used by
every service, view and API endpoint of ``objections``. Not found and not visible look the same
(404); visible but not allowed is 403."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ownervote.core.access import fetch, reach
from ownervote.core.errors import Forbidden, NotFound
from ownervote.meetings.models import Meeting
from ownervote.results.models import ResultPublicity

from . import permissions
from .errors import Code
from .models import ResultObjection


class Need(StrEnum):
    SEE = "see"  # its raiser, the convener, the supervising staff
    ANSWER = "answer"  # the convener
    RESPOND = "respond"  # accept or dispute the answer: its raiser


OBJECTION_RELATED = (
    "meeting",
    "meeting__convener",
    "meeting__estate",
    "meeting__estate__street",
    "estate",
    "flat",
    "flat__building",
    "raised_by",
    "complaint",
)

MEETING_NOT_FOUND = _("No such meeting, or you may not see it.")


def access_objection(actor, objection_id, *, need: Need = Need.SEE, lock: bool = False) -> ResultObjection:
    """An objection ``actor`` may see (NotFound otherwise); ``ANSWER``: and answer (Forbidden
    unless the convener); ``RESPOND``: and accept or dispute (Forbidden unless its raiser)."""

    def may(o: ResultObjection) -> bool:
        if need == Need.ANSWER:
            return permissions.can_answer(actor, o.meeting)
        if need == Need.RESPOND:
            return permissions.is_raiser(actor, o)
        return True

    objection = reach(
        ResultObjection.objects.select_related(*OBJECTION_RELATED),
        objection_id,
        lock=False,
        sees=lambda o: permissions.can_see_objection(actor, o),
        may=may,
        missing=NotFound(Code.NOT_FOUND, _("Objection not found.")),
        refused=Forbidden(
            Code.FORBIDDEN,
            _("Only the meeting's convener answers an objection.")
            if need == Need.ANSWER
            else _("Only the owner who raised the objection can do this."),
        ),
    )
    if lock:
        fetch(ResultObjection.objects, objection.pk, lock=True)
        objection.refresh_from_db()
    return objection


def access_meeting_objections(actor, meeting_id, *, lock: bool = False) -> Meeting:
    """A meeting whose objections ``actor`` reads (the convener and the supervising staff)."""
    rows = Meeting.objects.select_related("estate", "estate__street", "convener")
    if lock:
        rows = rows.select_for_update(of=("self",))
    meeting = fetch(rows, meeting_id)
    if meeting is None or not permissions.can_see_meeting_objections(actor, meeting):
        raise NotFound(Code.MEETING_NOT_FOUND, MEETING_NOT_FOUND)
    return meeting


def publicity_of(meeting_id, today: dt.date) -> ResultPublicity | None:
    """The latest publicity of the meeting's result that has started by ``today``, or None."""
    return (
        ResultPublicity.objects.filter(meeting_id=meeting_id, starts_on__lte=today)
        .select_related("result", "meeting", "meeting__estate", "meeting__convener")
        .order_by("-published_at", "-id")
        .first()
    )


def access_publicised_meeting(actor, meeting_id, today: dt.date) -> ResultPublicity:
    """The publicity of a meeting whose result is publicised, for an owner of its estate: NotFound
    when there is no publicised result; Forbidden (``objection.not_owner``) for anybody but the
    estate's owners."""
    publicity = publicity_of(meeting_id, today)
    if publicity is None:
        raise NotFound(Code.MEETING_NOT_FOUND, _("This meeting has no publicised result."))
    if not permissions.can_raise(actor, publicity.meeting.estate):
        raise Forbidden(
            Code.NOT_OWNER,
            _("Only an owner of this estate can raise an objection to its result."),
        )
    return publicity
