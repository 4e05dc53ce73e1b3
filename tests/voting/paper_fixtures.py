"""Helpers for the paper-count tests: a meeting whose voting has closed, a count session opened
through the service, and electronic ballots written as the cast does (``progress_fixtures.cast``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ownervote.meetings.models import Item, Meeting
from ownervote.voting.models import RollFlat
from ownervote.voting.services import paper, paper_ballots
from tests.voting.progress_fixtures import cast

__all__ = ["cast", "close_now", "closed", "labelled", "open_session", "roll_of"]


def close_now(meeting: Meeting, *, ago: dt.timedelta = dt.timedelta(minutes=5)) -> Meeting:
    """Move the meeting's voting into the past: it closed ``ago``."""
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=now - dt.timedelta(hours=3),
        voting_opens_at=now - dt.timedelta(hours=3),
        voting_closes_at=now - ago,
    )
    meeting.refresh_from_db()
    return meeting


def roll_of(meeting: Meeting) -> dict[str, RollFlat]:
    """The meeting's roll by label ("1栋-101")."""
    return {
        paper_ballots.flat_label(r.building.name, r.flat.room): r
        for r in RollFlat.objects.filter(meeting=meeting).select_related("flat", "building")
    }


def open_session(convener, meeting: Meeting, **fields):
    values = {"caller": "陈唱票", "counter": "林计票", "scrutineer": "黄监票", "place": "会所一楼"}
    values.update(fields)
    return paper.session_open(actor=convener, meeting_id=meeting.pk, **values)


def labelled(meeting: Meeting) -> dict:
    items = list(Item.objects.filter(meeting=meeting).order_by("position").prefetch_related("candidates"))
    question = next(i for i in items if i.kind == Item.Kind.QUESTION)
    election = next(i for i in items if i.kind == Item.Kind.ELECTION)
    return {
        "items": items,
        "question": question,
        "election": election,
        "candidates": list(election.candidates.order_by("position")),
    }


def closed(voting_world: dict) -> dict:
    """voting_world with its mixed meeting's voting closed five minutes ago, and ``roll`` (by label).
    Each test module makes it its ``closed_world`` fixture."""
    close_now(voting_world["meeting"])
    return {**voting_world, "roll": roll_of(voting_world["meeting"])}
