"""Who may call /api/notifications: every signed-in person reads and marks their own messages;
another's message is 404, exactly like a missing one; no credentials is 401."""

from __future__ import annotations

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


ROWS = [
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
