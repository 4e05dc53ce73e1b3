"""Reaching complaints and what they are about (``core.access`` explains the pattern): used by
every service, view and API endpoint of ``complaints``. Not found and not visible look the same
(404); visible but not allowed is 403."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ownervote.core.access import fetch, reach
from ownervote.core.errors import Forbidden, NotFound
from ownervote.meetings.models import Meeting
from ownervote.roster.models import Estate

from . import permissions
from .errors import Code
from .models import Complaint


class Need(StrEnum):
    SEE = "see"  # read it: its complainant and its handling office
    HANDLE = "handle"  # accept, decline, conclude, open its files: the handling office


COMPLAINT_RELATED = (
    "estate",
    "estate__street",
    "estate__street__parent",
    "meeting",
    "meeting__convener",
    "handler_division",
    "handling_organisation",
    "filed_by",
)


def access_complaint(actor, complaint_id: int, *, need: Need = Need.SEE, lock: bool = False) -> Complaint:
    """A complaint ``actor`` may see (NotFound otherwise); ``Need.HANDLE``: and handle (Forbidden
    unless its handling office). ``lock``: its row locked for update."""
    complaint = reach(
        Complaint.objects.select_related(*COMPLAINT_RELATED).prefetch_related("files"),
        complaint_id,
        lock=False,
        sees=lambda c: permissions.can_see_complaint(actor, c),
        may=lambda c: need != Need.HANDLE or permissions.can_handle(actor, c),
        missing=NotFound(Code.NOT_FOUND, _("Complaint not found.")),
        refused=Forbidden(Code.FORBIDDEN, _("Only the office handling the complaint can do this.")),
    )
    if lock:
        fetch(Complaint.objects, complaint.pk, lock=True)
        complaint.refresh_from_db()
    return complaint


def access_complained_estate(actor, estate_id: int) -> Estate:
    """An estate ``actor`` may complain about: its owners (Forbidden otherwise: estates are public
    information, found by anyone; a missing one is NotFound)."""
    estate = fetch(Estate.objects.select_related("street", "street__parent", "community"), estate_id)
    if estate is None:
        raise NotFound(Code.ESTATE_NOT_FOUND, _("Estate not found."))
    if not permissions.can_complain(actor, estate):
        raise Forbidden(
            Code.NOT_OWNER,
            _(
                "Only an owner of this estate can complain about its voting. Sign in with the mobile number "
                "the convener has for you, or verify your identity."
            ),
        )
    return estate


def access_complained_meeting(estate: Estate, meeting_id: int) -> Meeting:
    """A meeting of ``estate`` whose notice its owners have seen (entered in the system at least:
    not a draft); NotFound otherwise."""
    meeting = fetch(Meeting.objects.select_related("convener"), meeting_id)
    if meeting is None or meeting.estate_id != estate.pk or meeting.status == Meeting.Status.DRAFT:
        raise NotFound(Code.MEETING_NOT_FOUND, _("Meeting not found."))
    return meeting
