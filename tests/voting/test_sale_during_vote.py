"""A flat sold while voting runs, and a proxy voting for several owners (R-VOTE-10, issue 24 item 3).

The roster records the sale of 1栋-101 (张三 to 孙七) by an applied roster import while the meeting
votes: 张三's binding ends (R-BIND-2). A ballot 张三 already cast stands; otherwise 孙七, once bound,
votes the flat on paper (bound after the publicity began, R-VOTE-4) and 张三 no longer can."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ownervote.bindings.models import Binding
from ownervote.bindings.services import bind_flat
from ownervote.core.errors import ServiceError
from ownervote.meetings.models import Eligibility
from ownervote.results.services import counting
from ownervote.roster import services as roster_services
from ownervote.rules import tally
from ownervote.voting.models import Ballot, Choice, Proxy, Submission
from ownervote.voting.services import cast
from ownervote.voting.services.proxy_acceptance import proxy_confirm
from tests.owners import bind, verified_person
from tests.rosterfiles import flat_row, mobile, person_id, roster_csv, small_roster

from .conftest import full_answers
from .proxy_fixtures import grant

pytestmark = pytest.mark.django_db

D = Decimal
BUYER = ("孙七", person_id(7), mobile(7))


def _sell_101(w) -> None:
    """The convener imports the roster with 1栋-101 sold to 孙七 (the sale recorded while voting runs)."""
    rows = small_roster()
    rows[0] = flat_row("1栋", "101", "89.50", BUYER[0], BUYER[1], BUYER[2])
    batch = roster_services.import_preview(
        actor=w["convener"], estate_id=w["meeting"].estate_id, upload=roster_csv(rows)
    )
    assert batch.status == "previewed", batch.errors
    guard = batch.diff.get("guard") or {}
    confirm = str(guard.get("affected", "")) if guard.get("level") == "confirm" else ""
    roster_services.import_apply(
        actor=w["convener"], batch_id=batch.pk, reason="1栋-101 过户", confirm=confirm
    )


def _entry(user, meeting, flat):
    return next(e for e in cast.voter_flats(user, meeting) if e.flat.pk == flat.pk)


def _cast(user, meeting, flat, answers, **kw):
    return cast.ballot_cast(actor=user, meeting_id=meeting.pk, flat_ids=[flat.pk], answers=answers, **kw)


def test_r_vote_10_the_sellers_ballot_stands_and_the_buyer_sees_why(voting_world):
    w = voting_world
    meeting, flat = w["meeting"], w["flats"]["1栋-101"]
    answers = full_answers(list(meeting.items.order_by("position")))
    _cast(w["zhang"], meeting, flat, answers)
    _sell_101(w)
    seller = Binding.objects.get(user=w["zhang"], flat=flat)
    assert seller.status == "ended" and seller.end_reason == "ownership_changed"
    buyer = verified_person(BUYER[2], BUYER[0], BUYER[1])
    binding = bind_flat(actor=buyer, flat_id=flat.pk)
    # bound while voting runs: the buyer has the flat in the meeting, on paper (art. 18)
    row = Eligibility.objects.get(meeting=meeting, binding=binding)
    assert (row.mode, row.reason) == ("paper_only", "bound_during_publicity")
    entry = _entry(buyer, meeting, flat)
    assert (entry.can_vote, entry.code) == (False, "ballot.already_voted")
    assert "早于您绑定该房屋" in entry.reason or "before you bound" in entry.reason
    with pytest.raises(ServiceError) as exc:
        _cast(buyer, meeting, flat, answers)
    assert exc.value.code == "ballot.already_voted"
    # the seller's ballot still counts, once, for the flat
    assert Ballot.objects.filter(meeting=meeting, flat=flat, superseded=False).count() == 1
    rows = counting.ballot_rows(meeting)
    assert [r.flat_id for r in rows if not r.superseded].count(flat.pk) == 1


def test_r_vote_10_unvoted_the_buyer_votes_on_paper_and_the_seller_no_longer_can(voting_world):
    w = voting_world
    meeting, flat = w["meeting"], w["flats"]["1栋-101"]
    answers = full_answers(list(meeting.items.order_by("position")))
    _sell_101(w)
    seller_entry = _entry(w["zhang"], meeting, flat)
    assert (seller_entry.can_vote, seller_entry.code) == (False, "ballot.not_eligible")
    assert "变更业主" in seller_entry.reason or "changed owner" in seller_entry.reason
    with pytest.raises(ServiceError) as exc:
        _cast(w["zhang"], meeting, flat, answers)
    assert exc.value.code == "ballot.not_eligible"
    buyer = verified_person(BUYER[2], BUYER[0], BUYER[1])
    bind_flat(actor=buyer, flat_id=flat.pk)
    entry = _entry(buyer, meeting, flat)
    # R-VOTE-4: bound after the publicity began, so on paper only
    assert (entry.can_vote, entry.code) == (False, "ballot.paper_only")
    with pytest.raises(ServiceError) as exc:
        _cast(buyer, meeting, flat, answers)
    assert exc.value.code == "ballot.paper_only"
    assert not Ballot.objects.filter(meeting=meeting, flat=flat).exists()


def test_r_vote_10_a_flat_off_the_roll_gives_no_eligibility(voting_world):
    """A binding made while voting runs for a flat the meeting does not count (the parking space
    where parking does not count) adds nothing (R-VOTE-10 with R-ROSTER-5)."""
    w = voting_world
    meeting = w["meeting"]
    zhao = verified_person(mobile(4), "赵六", person_id(4))
    binding = bind_flat(actor=zhao, flat_id=w["flats"]["1栋-201"].pk)  # on the roll: paper
    assert Eligibility.objects.get(meeting=meeting, binding=binding).mode == "paper_only"
    parking = bind_flat(actor=w["zhang"], flat_id=w["flats"]["车库-P001"].pk)
    assert not Eligibility.objects.filter(meeting=meeting, binding=parking).exists()


def test_r_vote_10_a_proxy_for_several_owners_answers_each_differently(voting_world):
    """R-VOTE-10 (with R-VOTE-6): 赵六 holds the proxies of 张三 (1栋-101) and 李四 (1栋-102); each
    principal is one submission, answered differently, and counted separately."""
    w = voting_world
    meeting, flats = w["meeting"], w["flats"]
    person = {"name": "赵六", "id_number": person_id(4), "mobile": mobile(4)}
    zhao = verified_person(person["mobile"], person["name"], person["id_number"])
    bind(zhao, flats["1栋-201"])
    p1 = grant(w["zhang"], meeting, [flats["1栋-101"]], person=person)
    p2 = grant(w["li"], meeting, [flats["1栋-102"]], person=person)
    for p in (p1, p2):
        proxy_confirm(actor=zhao, proxy_id=p.pk)
    q = str(w["question"].pk)
    entries = [e for e in cast.voter_flats(zhao, meeting) if e.proxy is not None]
    assert len(cast.submissions_of(entries)) == 2  # one submission per principal
    _cast(zhao, meeting, flats["1栋-101"], {q: "yes"}, proxy_id=p1.pk)
    _cast(zhao, meeting, flats["1栋-102"], {q: "no"}, proxy_id=p2.pk)
    subs = Submission.objects.filter(meeting=meeting, user=zhao)
    assert sorted(s.proxy_id for s in subs) == sorted([p1.pk, p2.pk])
    marks = {
        c.ballot.flat_id: c.answer
        for c in Choice.objects.filter(meeting=meeting, item=w["question"]).select_related("ballot")
    }
    assert marks == {flats["1栋-101"].pk: "yes", flats["1栋-102"].pk: "no"}
    result = counting.compute(meeting)
    item = next(r for r in result.items if r.item_id == w["question"].pk)
    assert item.answers[tally.YES] == tally.Share(D("89.50"), 1)
    assert item.answers[tally.NO] == tally.Share(D("120.00"), 1)
    assert Proxy.objects.filter(meeting=meeting, confirmed_at__isnull=False).count() == 2
