"""Request and response shapes of /api/notifications."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from ownervote.core.schemas import Id

from .services import MAX_IDS


class NotificationOut(Schema):
    id: int
    kind: str = Field(description='What happened, e.g. "objection.filed", "binding.ended".')
    title: str
    body: str
    link: str = Field(description="A path on this site to open, or empty.")
    estate_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    unread: bool

    @staticmethod
    def resolve_unread(obj) -> bool:
        return obj.read_at is None


class InboxOut(Schema):
    unread: int = Field(
        description="How many of the caller's messages are unread (all of them, not this page)."
    )
    count: int = Field(description="How many messages the caller has.")
    items: list[NotificationOut]


class ReadIn(Schema):
    ids: list[Id] | None = Field(
        None, max_length=MAX_IDS, description="The messages to mark read; every unread message when omitted."
    )


class ReadOut(Schema):
    marked: int = Field(description="How many unread messages are now read.")
    unread: int = Field(description="How many unread messages are left.")
