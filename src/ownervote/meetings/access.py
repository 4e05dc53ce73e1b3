"""Reaching a meeting and what hangs on it: the one way every service, view and API endpoint of
meetings fetches, locks and authorises them (``core.access``); voting and results reach a meeting
through their own ``access`` modules, which ask this app's ``permissions`` who sees it.

``access_meeting(actor, meeting_id, need=Need.MANAGE, lock=True)``: ``NotFound`` when the meeting
does not exist *or* ``actor`` may not see it (the two look the same), ``Forbidden`` when they see it
but lack what ``need`` asks; who may do what is decided by ``permissions.py``.
"""

from __future__ import annotations

from enum import Enum

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from ownervote.core.access import fetch, reach
from ownervote.core.errors import Forbidden, NotFound
from ownervote.orgs import scoping
from ownervote.roster.models import Estate

from . import permissions
from .errors import Code
from .models import Candidate, Item, Meeting, MeetingDocument, MeetingVersion, Topic

NOT_FOUND = _("Meeting not found.")
DOCUMENT_NOT_FOUND = _("Document not found.")
MEETING_RELATED = ("estate", "estate__street", "estate__community", "convener", "created_by")


class Need(Enum):
    """What the caller is about to do with the meeting."""

    SEE = "see"  # read it (``permissions.can_see_meeting``)
    MANAGE = "manage"  # change, enter, publicise, cancel it, its documents (``can_manage``)
    GUIDE = "guide"  # give guidance on it (``can_guide``)


def _may(actor, need: Need):
    if need is Need.MANAGE:
        return lambda meeting: permissions.can_manage(actor, meeting)
    if need is Need.GUIDE:
        return lambda meeting: permissions.can_guide(actor, meeting)
    return lambda meeting: True


def _refused(need: Need) -> Forbidden:
    if need is Need.GUIDE:
        return Forbidden(
            Code.GUIDANCE_FORBIDDEN, _("Only the street office of the estate's street gives guidance.")
        )
    return Forbidden(Code.FORBIDDEN, _("Only the meeting's convener can do this."))


def missing() -> NotFound:
    return NotFound(Code.NOT_FOUND, NOT_FOUND)


def with_content(rows: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meetings with their estate and convener, and their topics, items and candidates in
    order (one query each)."""
    return rows.select_related(*MEETING_RELATED).prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("position", "id")),
        Prefetch(
            "items",
            queryset=Item.objects.order_by("position", "id").prefetch_related(
                Prefetch("candidates", queryset=Candidate.objects.order_by("position", "id"))
            ),
        ),
    )


def access_meeting(
    actor, meeting_id, *, need: Need = Need.SEE, lock: bool = False, content: bool = False
) -> Meeting:
    """The meeting ``actor`` reaches for ``need``; locked (``SELECT ... FOR UPDATE`` of the meeting
    row only) when the caller is about to change it; with its topics and items when ``content``."""
    rows = (
        with_content(Meeting.objects.all()) if content else Meeting.objects.select_related(*MEETING_RELATED)
    )
    if lock:
        rows = rows.select_for_update(of=("self",))
    return reach(
        rows,
        meeting_id,
        lock=False,  # locked above: only the meeting's row, not the joined ones
        sees=lambda meeting: permissions.can_see_meeting(actor, meeting),
        may=_may(actor, need),
        missing=missing(),
        refused=_refused(need),
    )


def access_public_meeting(meeting_id) -> Meeting:
    """A meeting that was publicised (published, voting, closed, or cancelled after publication):
    its notice is public (art. 12, 29), for anybody. Anything else is NotFound."""
    meeting = fetch(with_content(Meeting.objects.filter(publicity_starts_on__isnull=False)), meeting_id)
    if meeting is None:
        raise missing()
    return meeting


def access_document(
    actor, meeting_id, document_id, *, need: Need = Need.SEE, lock: bool = False
) -> MeetingDocument:
    """A document publicised with a meeting ``actor`` reaches for ``need`` (removed ones are
    gone); NotFound when it is not that meeting's."""
    meeting = access_meeting(actor, meeting_id, need=need, lock=lock)
    rows = MeetingDocument.objects.filter(meeting=meeting, removed_at__isnull=True).select_related("file")
    document = fetch(rows, document_id, lock=lock)
    if document is None:
        raise NotFound(Code.DOCUMENT_NOT_FOUND, DOCUMENT_NOT_FOUND)
    document.meeting = meeting
    return document


def access_public_document(user, meeting_id, document_id) -> MeetingDocument:
    """A document of a publicised meeting as ``user`` (maybe anonymous) may read it
    (``permissions.can_read_document``); NotFound otherwise, the same for a missing and a private
    one."""
    meeting = access_public_meeting(meeting_id)
    rows = MeetingDocument.objects.filter(meeting=meeting, removed_at__isnull=True).select_related("file")
    document = fetch(rows, document_id)
    if document is not None:
        document.meeting = meeting
    if document is None or not permissions.can_read_document(user, document):
        raise NotFound(Code.DOCUMENT_NOT_FOUND, DOCUMENT_NOT_FOUND)
    return document


def access_version(actor, meeting_id, number) -> MeetingVersion:
    """Version ``number`` of a meeting ``actor`` sees (R-MTG-6)."""
    meeting = access_meeting(actor, meeting_id)
    version = meeting.versions.select_related("created_by").filter(number=number).first()
    if version is None:
        raise NotFound(Code.VERSION_NOT_FOUND, _("Version not found."))
    return version


def access_estate_to_convene(actor, estate_id, *, lock: bool = False) -> Estate:
    """The estate ``actor`` sets up a meeting in (R-MTG-1): NotFound when they do not see it,
    Forbidden when they see it but do not convene it."""
    # Locked: the estate's row only (its community may be missing: no outer join under FOR UPDATE).
    rows = (
        Estate.objects.all()
        if lock
        else Estate.objects.select_related("street", "street__parent", "community")
    )
    return reach(
        rows,
        estate_id,
        lock=lock,
        sees=lambda estate: scoping.can_see_estate(actor, estate),
        may=lambda estate: permissions.can_convene(actor, estate),
        missing=NotFound(Code.ESTATE_NOT_FOUND, _("Estate not found.")),
        refused=Forbidden(Code.FORBIDDEN, _("Only the estate's approved convener can set up a meeting.")),
    )


def require_calendar_keeper(actor) -> None:
    """Forbidden unless ``actor`` keeps the holiday calendar (the city operator, R-MTG-4)."""
    if not permissions.can_keep_calendar(actor):
        raise Forbidden(Code.CALENDAR_FORBIDDEN, _("Only the city operator keeps the holiday calendar."))


def access_service(actor, meeting_id) -> Meeting:
    """A meeting whose proof of service ``actor`` reads (R-MTG-10): its convener and the staff who
    supervise it (``permissions.can_read_service``). Who reached which owner is not for the other
    owners: Forbidden for anybody else who sees the meeting."""
    meeting = access_meeting(actor, meeting_id)
    if not permissions.can_read_service(actor, meeting):
        raise Forbidden(Code.FORBIDDEN, _("Only the convener and the supervising office see the service."))
    return meeting
