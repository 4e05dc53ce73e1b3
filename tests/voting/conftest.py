"""Fixtures for voting: a meeting of estate a whose voting is open now.

``voting_world``: the owner world (tests/conftest.py ``owner_world``: zhang bound to 1栋-101, li
bound to 1栋-102 which li co-owns with wang, wang verified but not bound), everybody verified and
bound a month ago (so they vote electronically, R-VOTE-4), a mixed meeting with a yes/no item and
an election of 3 of 4 candidates (tests/meetings/conftest.py ``topics``), publicised, then its
voting period moved to (now - 1 h, now + 8 h) and opened through ``voting_open`` (which freezes
the roll and the eligibility). Keys: everything of owner_world, ``meeting``, ``question`` and
``election`` (Item), ``candidates`` (list of Candidate), ``convener``, ``street``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ownervote.bindings.models import Binding
from ownervote.meetings import services as meetings
from ownervote.meetings.models import Item, Meeting
from ownervote.verification.models import Verification, VerifiedIdentity
from tests.meetings.conftest import meeting_input


def long_ago(*users, days: int = 30) -> None:
    """These people verified and bound their flats ``days`` ago, before any publicity."""
    then = timezone.now() - dt.timedelta(days=days)
    for user in users:
        Binding.objects.filter(user=user).update(bound_at=then)
        VerifiedIdentity.objects.filter(user=user).update(verified_at=then)
        Verification.objects.filter(user=user).update(finished_at=then)


def open_now(meeting: Meeting, *, hours_left: float = 8) -> Meeting:
    """Move a publicised meeting's voting to (now - 1 h, now + ``hours_left``) and open it."""
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=now - dt.timedelta(hours=1),
        voting_opens_at=now - dt.timedelta(hours=1),
        voting_closes_at=now + dt.timedelta(hours=hours_left),
    )
    meetings.voting_open(meeting_id=meeting.pk)
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def make_voting_meeting(staff, estates):
    """make_voting_meeting(method="mixed", hours_left=8, **fields) -> Meeting in voting status."""

    def make(*, method: str = "mixed", hours_left: float = 8, **fields) -> Meeting:
        convener = staff["convener"]
        meeting = meetings.meeting_create(
            actor=convener, estate_id=estates["a"].pk, **meeting_input(25, method=method, **fields)
        )
        meetings.meeting_submit(actor=convener, meeting_id=meeting.pk)
        meetings.meeting_publish(actor=convener, meeting_id=meeting.pk)
        return open_now(meeting, hours_left=hours_left)

    return make


@pytest.fixture
def voting_world(owner_world, staff, make_voting_meeting):
    long_ago(owner_world["zhang"], owner_world["li"], owner_world["wang"])
    meeting = make_voting_meeting()
    items = list(Item.objects.filter(meeting=meeting).order_by("position"))
    question = next(i for i in items if i.kind == Item.Kind.QUESTION)
    election = next(i for i in items if i.kind == Item.Kind.ELECTION)
    return {
        **owner_world,
        "meeting": meeting,
        "question": question,
        "election": election,
        "candidates": list(election.candidates.order_by("position")),
        "convener": staff["convener"],
        "street": staff["street"],
    }
