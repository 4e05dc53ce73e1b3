"""What the meetings services share: the text helpers, the state transition check, writing a
meeting's content, its computed deadlines and its versions."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from ownervote.core.errors import Conflict, require
from ownervote.rules import schedule

from .. import scopes, selectors
from ..errors import Code
from ..models import Candidate, Item, Meeting, MeetingVersion, Topic

S = Meeting.Status

MAX_TEXT = 4000
SYSTEM = "system"  # the audit log's actor for what the system does by itself


def clean(text, limit: int = MAX_TEXT) -> str:
    return str(text or "").strip()[:limit]


def link(name: str, *args) -> str:
    return reverse(f"meetings:{name}", args=args)


def when(moment: dt.datetime) -> str:
    return timezone.localtime(moment, selectors.beijing()).strftime("%Y-%m-%d %H:%M")


def transition(meeting: Meeting, to: str, message) -> None:
    require(to in Meeting.TRANSITIONS[S(meeting.status)], Conflict(Code.WRONG_STATUS, message))


def write_topics(meeting: Meeting, topics: list[dict]) -> None:
    """Replace the meeting's topics, items and candidates (only before voting: nothing refers to
    them yet)."""
    Topic.objects.filter(meeting=meeting).delete()
    position = 0
    for t, topic in enumerate(topics, start=1):
        row = Topic.objects.create(
            meeting=meeting, position=t, title=topic["title"], description=topic["description"]
        )
        for item in topic["items"]:
            position += 1
            item_row = Item.objects.create(
                meeting=meeting,
                topic=row,
                position=position,
                title=item["title"],
                description=item["description"],
                kind=item["kind"],
                category=item["category"],
                seats=item["seats"],
                max_choices=item["max_choices"],
            )
            scopes.write_scope(item_row, item.get("scope"), meeting.estate)
            Candidate.objects.bulk_create(
                Candidate(item=item_row, position=c, name=cand["name"], profile=cand["profile"])
                for c, cand in enumerate(item["candidates"], start=1)
            )


def store_deadlines(meeting: Meeting, sched: schedule.Schedule) -> None:
    """The computed days the worker and the lists need (R-MTG-2, R-MTG-4)."""
    invitation = sched.deadline(schedule.INVITATION_ON)
    meeting.invitation_on = invitation.on if invitation else None
    if meeting.entered_on is not None:
        guidance = sched.deadline(schedule.GUIDANCE_UNTIL)
        meeting.guidance_ends_on = guidance.on if guidance else None


def new_version(meeting: Meeting, actor, reason: str) -> MeetingVersion:
    content = selectors.meeting_content(meeting)
    number = (meeting.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = MeetingVersion.objects.create(
        meeting=meeting,
        number=number,
        content=content,
        digest=selectors.content_digest(content),
        reason=reason,
        created_by=actor,
    )
    meeting.version = number
    return version


def current_version(meeting: Meeting) -> MeetingVersion:
    return meeting.versions.get(number=meeting.version)
