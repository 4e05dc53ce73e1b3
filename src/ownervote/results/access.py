"""Reaching what results owns, for an actor: one function per kind of object (``core.access``).

- ``access_result(actor, meeting_id, need=...)``: a meeting's result (the console and its actions,
  the owners' archive);
- ``access_version``: one frozen version, with its printed tables;
- ``access_public_result``: the publicised result, for anybody, from the first day of its publicity;
- ``access_public_version``: one publicised version (its published root), for anybody, likewise;
- ``access_division``: the division an oversight dashboard shows.

Each answers ``NotFound`` when the object does not exist *or the actor may not see it* (the same
error for both), then ``Forbidden`` when the actor sees it but lacks what ``need`` asks;
``permissions`` decides. Every service, view and API endpoint of results reaches them through here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.core.access import fetch
from ownervote.core.errors import Forbidden, NotFound
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Meeting
from ownervote.orgs.models import Division

from . import permissions
from .errors import Code
from .models import Result, ResultPublicity

NOT_FOUND = _("No such meeting, or you may not see it.")
OVERSIGHT_FORBIDDEN = _(
    "Only the street office, the district bureau and the city operator see the oversight dashboard."
)
DIVISION_NOT_FOUND = _("No such division, or it is outside your area.")

# What an oversight dashboard breaks a division of each kind down into.
CHILD_KIND = {
    Division.Kind.CITY: Division.Kind.DISTRICT,
    Division.Kind.DISTRICT: Division.Kind.STREET,
    Division.Kind.STREET: "estate",
}


class Need(StrEnum):
    """What the caller needs of a meeting's result (``access_result``)."""

    SEE = "see"  # the console: the convener and the staff who oversee the estate
    MANAGE = "manage"  # close the voting, generate, submit, publicise: the convener
    GUIDE = "guide"  # give guidance: the street office of the estate's street
    ARCHIVE = "archive"  # the publicised result's archive: the owners bound in the estate


def access_result(actor, meeting_id, *, need: Need = Need.SEE, lock: bool = False) -> Meeting:
    """The meeting whose result ``actor`` reaches for ``need`` (locked with ``lock``): NotFound
    (``meeting.not_found``) when it does not exist or the actor may not see it (``SEE``, ``MANAGE``,
    ``GUIDE``: the console's people; ``ARCHIVE``: the estate's bound owners), Forbidden
    ``result.forbidden`` when they see the console but do not convene (``MANAGE``),
    ``result.guidance_forbidden`` when they are not the estate's street office (``GUIDE``)."""
    rows = Meeting.objects.select_related("estate", "estate__street", "convener")
    if lock:  # only the meeting's row, never the estate or the convener joined to it
        rows = rows.select_for_update(of=("self",))
    meeting = fetch(rows, meeting_id)
    sees = permissions.can_download_archive if need == Need.ARCHIVE else permissions.can_see_result
    if meeting is None or not sees(actor, meeting):
        raise NotFound(Code.MEETING_NOT_FOUND, NOT_FOUND)
    if need == Need.MANAGE and not permissions.can_manage_result(actor, meeting):
        raise Forbidden(Code.FORBIDDEN, _("Only the meeting's convener can do this."))
    if need == Need.GUIDE and not permissions.can_guide_result(actor, meeting):
        raise Forbidden(
            Code.GUIDANCE_FORBIDDEN, _("Only the street office of the estate's street gives guidance.")
        )
    return meeting


def access_version(actor, meeting_id, number) -> Result:
    """Version ``number`` of the meeting's result, for who sees the console: NotFound
    (``meeting.not_found``, ``result.not_found``) otherwise."""
    meeting = access_result(actor, meeting_id, need=Need.SEE)
    result = Result.objects.filter(meeting=meeting, number=number).first()
    if result is None:
        raise NotFound(Code.NOT_FOUND, _("No such version of the result."))
    result.meeting = meeting
    return result


def access_public_result(meeting_id) -> Result:
    """The publicised result of a meeting, from the first day of its publicity (art. 26): anybody
    may read it. Anything else is NotFound (``result.not_found``)."""
    today = timezone.localdate(timezone.now(), meeting_selectors.beijing())
    publicity = (
        ResultPublicity.objects.filter(meeting_id=meeting_id, starts_on__lte=today)
        .select_related("result", "result__meeting", "result__meeting__estate")
        .order_by("-published_at", "-id")
        .first()
    )
    if publicity is None:
        raise NotFound(Code.NOT_FOUND, _("This meeting has no publicised result."))
    return publicity.result


def access_public_version(meeting_id, number) -> ResultPublicity:
    """The publicity of version ``number`` of a meeting, from its first day (art. 26), with its
    result: anybody may read what was published (R-RES-4). Anything else is NotFound."""
    today = timezone.localdate(timezone.now(), meeting_selectors.beijing())
    publicity = (
        ResultPublicity.objects.filter(meeting_id=meeting_id, result__number=number, starts_on__lte=today)
        .select_related("result")
        .first()
    )
    if publicity is None:
        raise NotFound(Code.NOT_FOUND, _("This version of the result has not been publicised."))
    return publicity


class Scope(NamedTuple):
    """The division an oversight dashboard shows, and the divisions the actor oversees."""

    division: Division
    roots: list[Division]


def oversight_forbidden() -> Forbidden:
    return Forbidden(Code.OVERSIGHT_FORBIDDEN, OVERSIGHT_FORBIDDEN)


def access_division(actor, division_id) -> Scope:
    """The division ``division_id`` (default: the highest the actor oversees) for an oversight
    dashboard: Forbidden (``oversight.forbidden``) for anybody but a street office, a district
    bureau or the city operator, NotFound (``division.not_found``) for a division outside theirs."""
    roots = permissions.oversight_roots(actor) if getattr(actor, "is_authenticated", False) else []
    if not roots:
        raise oversight_forbidden()
    if division_id is None:
        return Scope(roots[0], roots)
    for root in roots:
        if root.pk == division_id:
            return Scope(root, roots)
    division = fetch(Division.objects.filter(kind__in=list(CHILD_KIND)), division_id)
    if division is None or not permissions.can_oversee_division(actor, division):
        raise NotFound(Code.DIVISION_NOT_FOUND, DIVISION_NOT_FOUND)
    return Scope(division, roots)
