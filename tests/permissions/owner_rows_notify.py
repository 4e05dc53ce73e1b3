"""Who may call /api/notifications: every signed-in person reads and marks their own messages;
another's message is 404, exactly like a missing one; no credentials is 401."""

from __future__ import annotations

import secrets
import urllib.parse

from django.conf import settings
from django.utils import timezone

from ownervote.identity.wechat import event_signature
from ownervote.notify.models import Notification

from .owner_matrix import OwnerRow

EVERYONE = {
    "zhang": 200,
    "li": 200,
    "wang": 200,
    "newcomer": 200,
    "convener": 200,
    "street": 200,
    "other_convener": 200,
    "city": 200,
    "anonymous": 401,
}


def _zhangs_message(world: dict) -> None:
    note = Notification.objects.create(user=world["users"]["zhang"], kind="test", title="标题", body="正文")
    world["ids"]["zhang_note"] = note.pk


def _wechat_query(*, forged: bool):
    def setup(world: dict) -> None:
        """WeChat's check of the account's server address, signed with the account's token."""
        stamp, nonce = str(int(timezone.now().timestamp())), secrets.token_hex(8)
        token = settings.OWNERVOTE_WECHAT["token"]
        signature = "0" * 40 if forged else event_signature(token=token, timestamp=stamp, nonce=nonce)
        query = {"signature": signature, "timestamp": stamp, "nonce": nonce, "echostr": "hello"}
        world["ids"]["wx_query"] = urllib.parse.urlencode(query)

    return setup


WX = "/api/notifications/wechat/events?{wx_query}"

ROWS = [
    OwnerRow(
        "GET /api/notifications/wechat/events",
        "WeChat's signed check of the address: public (R-MTG-10)",
        WX,
        {role: 200 for role in EVERYONE},
        setup=_wechat_query(forged=False),
    ),
    OwnerRow(
        "GET /api/notifications/wechat/events",
        "forged signature: refused for everyone",
        WX,
        {role: 403 for role in EVERYONE},
        setup=_wechat_query(forged=True),
    ),
    OwnerRow(
        "POST /api/notifications/wechat/events",
        "a signed push that is no delivery report: public, nothing recorded",
        WX,
        {role: 200 for role in EVERYONE},
        body={},
        setup=_wechat_query(forged=False),
    ),
    OwnerRow(
        "POST /api/notifications/wechat/events",
        "forged signature: refused for everyone",
        WX,
        {role: 403 for role in EVERYONE},
        body={},
        setup=_wechat_query(forged=True),
    ),
    OwnerRow("GET /api/notifications", "my messages", "/api/notifications", EVERYONE),
    OwnerRow("POST /api/notifications/read", "all of mine", "/api/notifications/read", EVERYONE, body={}),
    OwnerRow(
        "POST /api/notifications/read",
        "zhang's message by id",
        "/api/notifications/read",
        {**{role: 404 for role in EVERYONE}, "zhang": 200, "anonymous": 401},
        body=lambda ids: {"ids": [ids["zhang_note"]]},
        setup=_zhangs_message,
    ),
]
