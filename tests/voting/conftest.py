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
from ownervote.voting.services.opening import voting_open
from tests.meetings.conftest import guide, meeting_input
from tests.owners import ensure_totals


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
    voting_open(meeting_id=meeting.pk)
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
        ensure_totals(estates["a"], convener)  # R-ROSTER-1: entered, and opened, on current totals
        meetings.meeting_submit(actor=convener, meeting_id=meeting.pk)
        guide(meeting)  # art. 12, R-MTG-2: publicised according to the guidance
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


# --- casting (helper A) -------------------------------------------------------------------------


def developer_staff(owner_world, convener, estate, *, flats=("2栋-301", "2栋-302"), valid_until=None):
    """The developer (an organisation owner of 2栋-301 and 2栋-302) authorises 陈授权, who binds
    both flats (R-VOTE-9). Returns (user, AuthorisedStaff)."""
    from ownervote.core import pii
    from ownervote.orgs.models import AuthorisedStaff, Organisation
    from ownervote.roster.models import Owner
    from tests.owners import verified_person
    from tests.rosterfiles import credit_code, mobile, person_id

    org = Organisation.objects.create(
        kind=Organisation.Kind.OWNER_ORGANISATION, name="深圳某某地产有限公司", credit_code=credit_code(1)
    )
    auth = AuthorisedStaff(
        organisation=org,
        valid_from=timezone.localdate() - dt.timedelta(days=60),
        valid_until=valid_until,
        authorised_by=convener,
    )
    for attr, value in (("name", "陈授权"), ("id_number", person_id(9)), ("mobile", mobile(9))):
        pii.seal(auth, attr, value)
    auth.save()
    person = verified_person(mobile(9), "陈授权", person_id(9))
    owner = Owner.objects.get(estate=estate, id_number_hash=pii.lookup("id_number", credit_code(1)))
    for label in flats:
        Binding.objects.create(
            user=person,
            estate=estate,
            flat=owner_world["flats"][label],
            owner=owner,
            staff=auth,
            verification=person.verified_identity.verification,
        )
    return person, auth


@pytest.fixture
def cast_world(owner_world, staff, estates, make_voting_meeting):
    """``voting_world`` with more voters, all bound a month ago, before the meeting opened:

    - ``wang`` bound to 1栋-102 too (co-owner with li, R-VOTE-8);
    - ``zhao`` (赵六) bound to 1栋-201 and 2栋-201: one owner, two flats (R-TALLY-9);
    - ``chen`` (陈授权), the developer's authorised staff, bound to 2栋-301 and 2栋-302 (R-VOTE-9,
      the developer's flats count as one owner, R-TALLY-9); ``chen_auth`` his authorisation.
    Keys as voting_world plus those, ``flat`` (label -> Flat id) and ``answers`` (a full ballot)."""
    from tests.owners import bind, verified_person
    from tests.rosterfiles import mobile, person_id

    flats = owner_world["flats"]
    bind(owner_world["wang"], flats["1栋-102"])
    zhao = verified_person(mobile(4), "赵六", person_id(4))
    bind(zhao, flats["1栋-201"])
    bind(zhao, flats["2栋-201"])
    chen, chen_auth = developer_staff(owner_world, staff["convener"], estates["a"])
    long_ago(owner_world["zhang"], owner_world["li"], owner_world["wang"], zhao, chen)
    meeting = make_voting_meeting()
    items = list(Item.objects.filter(meeting=meeting).order_by("position"))
    question = next(i for i in items if i.kind == Item.Kind.QUESTION)
    election = next(i for i in items if i.kind == Item.Kind.ELECTION)
    candidates = list(election.candidates.order_by("position"))
    return {
        **owner_world,
        "zhao": zhao,
        "chen": chen,
        "chen_auth": chen_auth,
        "meeting": meeting,
        "items": items,
        "question": question,
        "election": election,
        "candidates": candidates,
        "convener": staff["convener"],
        "street": staff["street"],
        "flat": {label: f.pk for label, f in flats.items()},
        "answers": full_answers(items),
    }


def full_answers(items) -> dict:
    """A ballot marking every item: yes to questions, the first allowed candidates elsewhere."""
    out = {}
    for item in items:
        if item.kind == Item.Kind.QUESTION:
            out[str(item.pk)] = "yes"
        else:
            out[str(item.pk)] = [c.pk for c in item.candidates.order_by("position")[: item.max_choices]]
    return out
