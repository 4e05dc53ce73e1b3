"""/api/notifications: the signed-in person's own messages (the inbox of the owner pages).

Everyone sees only their own messages: an id that is not yours answers 404
``notification.not_found``, exactly like one that does not exist, and changes nothing."""

from __future__ import annotations

from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from ownervote.core.schemas import ERRORS, Offset

from . import services
from .schemas import InboxOut, ReadIn, ReadOut

router = Router(tags=["notify"])


class Page(Schema):
    limit: int = NinjaField(50, ge=1, le=200)
    offset: Offset = 0


@router.get("", response={200: InboxOut, **ERRORS}, summary="My messages")
def inbox(request, page: Query[Page]):
    """The caller's messages, newest first (``limit``, ``offset``), with the number unread."""
    rows = services.inbox_for(request.auth)
    return {
        "unread": services.unread_count(request.auth),
        "count": rows.count(),
        "items": list(rows[page.offset : page.offset + page.limit]),
    }


@router.post("/read", response={200: ReadOut, **ERRORS}, summary="Mark messages read")
def mark_read(request, body: ReadIn):
    """Marks the messages in ``ids`` read, or every unread one when ``ids`` is omitted (send
    ``{}``). Messages already read stay as they were. One id that is not the caller's refuses
    the whole request (404) and marks nothing."""
    marked = services.mark_read(actor=request.auth, ids=body.ids)
    return {"marked": marked, "unread": services.unread_count(request.auth)}
