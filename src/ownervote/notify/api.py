"""/api/notifications: the signed-in person's own messages (the inbox of the owner pages).

Everyone sees only their own messages: an id that is not yours answers 404
``notification.not_found``, exactly like one that does not exist, and changes nothing.

``/api/notifications/wechat/events`` is WeChat's, not a person's: the official account's server
address, public and signed (R-MTG-10 delivery reports, ``receipts.wechat_push``)."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from ownervote.core.clientip import client_ip
from ownervote.core.schemas import ERRORS, ErrorOut, Offset

from . import receipts, services
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


WECHAT_ERRORS = {**ERRORS, 429: ErrorOut}
PUSH_DOC = {
    "parameters": [
        {"name": name, "in": "query", "required": True, "schema": {"type": "string"}}
        for name in ("signature", "timestamp", "nonce")
    ],
    "responses": {"200": {"description": "`success` (GET: the `echostr`)", "content": {"text/plain": {}}}},
}


def _push(request) -> HttpResponse:
    text = receipts.wechat_push(
        query=request.GET.dict(), body=request.body, method=request.method, client_ip=client_ip(request)
    )
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@router.get(
    "/wechat/events",
    auth=None,
    response={**WECHAT_ERRORS},
    summary="WeChat's check of the event address",
    openapi_extra={
        **PUSH_DOC,
        "parameters": [
            *PUSH_DOC["parameters"],
            {"name": "echostr", "in": "query", "required": True, "schema": {"type": "string"}},
        ],
    },
)
def wechat_check(request):
    """WeChat only (public, signed): its check of the official account's server address. Query
    `signature`, `timestamp`, `nonce`, `echostr`; answered with the `echostr` as plain text when
    `signature` is the SHA-1 of the account's token, `timestamp` and `nonce` sorted and joined.
    403 `notification.bad_signature`; 404 `notification.events_off` without a configured token;
    429 `notification.too_many`."""
    return _push(request)


@router.post(
    "/wechat/events",
    auth=None,
    response={**WECHAT_ERRORS},
    summary="WeChat event push (delivery reports)",
    openapi_extra={
        **PUSH_DOC,
        "requestBody": {"content": {"text/xml": {"schema": {"type": "string"}}}, "required": True},
    },
)
def wechat_events(request):
    """WeChat only (public, signed, R-MTG-10): an event of the official account as XML, signed as
    the GET check is. A `TEMPLATESENDJOBFINISH` records whether the template message (its `MsgID`,
    sent to `FromUserName`) reached the person (`Status` `success`) or not, at `CreateTime`.
    Answers `success`, also for an event that is not ours (logged). 403
    `notification.bad_signature` (wrong signature, timestamp more than 5 minutes off, nonce
    replayed with another body): nothing changes. 404 `notification.events_off` without a
    configured token; 429 `notification.too_many`."""
    return _push(request)
