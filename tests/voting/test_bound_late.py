"""R-VOTE-4 (art. 18): a flat an owner bound after the meeting's eligibility was frozen (voting
opened) and for which the owner has no eligibility row is listed on the vote page and by
``GET /api/voting/meetings/{id}/flats``, refused, with why: bound after the publicity began, so it
votes on a paper ballot from the convener.

``tests.owners.bind`` makes a binding without ``bind_flat``'s signal, so no eligibility row: the
gap these tests cover (``bind_flat`` while voting runs gives a paper-only row, R-VOTE-10)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ownervote.bindings.services import bind_flat
from ownervote.meetings.models import Eligibility
from ownervote.voting import selectors
from ownervote.voting.services import cast, late
from tests.owners import bind, import_roster, verified_person
from tests.rosterfiles import mobile, person_id

from .conftest import full_answers

pytestmark = pytest.mark.django_db

R = "/api/voting"
REASON = "公示开始后才绑定"


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _cannot_vote(html: str) -> str:
    start = html.index('id="cannot-vote"')
    return html[start : html.index("</section>", start)]


def test_r_vote_4_a_flat_bound_late_is_listed_with_the_reason(voting_world, staff, estates):
    """R-VOTE-4: 王五 binds the co-owned 1栋-102 after voting opened (no eligibility row): his page
    lists it with the paper-ballot reason; 李四, bound before the opening, still votes it; a flat
    of another estate bound late never shows."""
    w = voting_world
    meeting, flat = w["meeting"], w["flats"]["1栋-102"]
    other = import_roster(estates["c"], staff["other_convener"])
    bind(w["wang"], flat)
    bind(w["wang"], other["1栋-102"])  # another estate's flat, bound late too
    assert not Eligibility.objects.filter(meeting=meeting, user=w["wang"]).exists()

    found = selectors.bound_late(w["wang"], meeting)
    assert [b.flat_id for b in found] == [flat.pk]

    html = _client(w["wang"]).get(reverse("voting:vote", args=[meeting.pk])).content.decode()
    assert 'id="nothing-to-vote"' in html
    refused = _cannot_vote(html)
    assert "1栋-102" in refused and REASON in refused and "召集人" in refused and "纸质表决票" in refused
    assert 'data-code="ballot.not_eligible"' in refused
    assert refused.count("ov-refused") == 1  # estate c's 1栋-102 is not listed

    # 李四 was bound when voting opened: unaffected, votes the flat electronically
    li_html = _client(w["li"]).get(reverse("voting:vote", args=[meeting.pk])).content.decode()
    assert 'id="cannot-vote"' not in li_html and REASON not in li_html
    assert [e.can_vote for e in cast.voter_flats(w["li"], meeting)] == [True]
    assert selectors.bound_late(w["li"], meeting) == []


def test_r_vote_4_the_ballot_form_for_a_late_flat_says_why(voting_world):
    """R-VOTE-4: opening the ballot of a flat bound late sends back to the vote page with the reason."""
    w = voting_world
    meeting, flat = w["meeting"], w["flats"]["1栋-102"]
    bind(w["wang"], flat)
    client = _client(w["wang"])
    r = client.get(reverse("voting:ballot_form", args=[meeting.pk]), {"flats": str(flat.pk)}, follow=True)
    assert REASON in r.content.decode()


def test_r_vote_4_api_lists_the_late_flat_refused(voting_world):
    """R-VOTE-4: the API lists the flat bound late with can_vote false, ``ballot.not_eligible`` and
    the reason; casting it is refused with the same code."""
    w = voting_world
    meeting, flat = w["meeting"], w["flats"]["1栋-102"]
    bind(w["wang"], flat)
    wang = _client(w["wang"])
    flats = wang.get(f"{R}/meetings/{meeting.pk}/flats").json()
    assert len(flats) == 1
    entry = flats[0]
    assert (entry["flat_id"], entry["flat"], entry["via"]) == (flat.pk, "1栋-102", "owner")
    assert (entry["can_vote"], entry["code"], entry["voted_at"]) == (False, "ballot.not_eligible", None)
    assert REASON in entry["reason"] and entry["submit_with"] == [flat.pk]
    body = {"flat_ids": [flat.pk], "answers": full_answers(list(meeting.items.order_by("position")))}
    r = wang.post(f"{R}/meetings/{meeting.pk}/ballots", body, content_type="application/json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "ballot.not_eligible"
    # 李四, bound before voting opened, sees the flat votable as before
    li = _client(w["li"]).get(f"{R}/meetings/{meeting.pk}/flats").json()
    assert [(f["flat_id"], f["can_vote"]) for f in li] == [(flat.pk, True)]


def test_r_vote_4_a_late_flat_already_voted_is_listed_as_voted(voting_world):
    """R-VOTE-4 with R-VOTE-8: once 李四 voted the co-owned flat, 王五's late entry says it voted."""
    w = voting_world
    meeting, flat = w["meeting"], w["flats"]["1栋-102"]
    bind(w["wang"], flat)
    answers = full_answers(list(meeting.items.order_by("position")))
    cast.ballot_cast(actor=w["li"], meeting_id=meeting.pk, flat_ids=[flat.pk], answers=answers)
    (entry,) = late.late_flats(w["wang"], meeting)
    assert (entry.can_vote, entry.code) == (False, "ballot.already_voted") and entry.voted_at is not None
    html = _client(w["wang"]).get(reverse("voting:vote", args=[meeting.pk])).content.decode()
    assert 'id="voted"' in html and REASON not in html


def test_r_vote_4_a_flat_bound_through_bind_flat_is_listed_once(voting_world):
    """R-VOTE-4/R-VOTE-10: ``bind_flat`` while voting runs writes a paper-only row, so the flat is
    ``voter_flats``' (paper only) and not listed a second time."""
    w = voting_world
    meeting = w["meeting"]
    zhao = verified_person(mobile(4), "赵六", person_id(4))
    bind_flat(actor=zhao, flat_id=w["flats"]["1栋-201"].pk)
    assert late.late_flats(zhao, meeting) == []
    flats = _client(zhao).get(f"{R}/meetings/{meeting.pk}/flats").json()
    assert [(f["flat"], f["code"]) for f in flats] == [("1栋-201", "ballot.paper_only")]


def test_r_vote_4_bound_late_is_one_statement(voting_world, django_assert_num_queries):
    """The selector reads the late flats in one statement."""
    w = voting_world
    bind(w["wang"], w["flats"]["1栋-102"])
    with django_assert_num_queries(1):
        found = selectors.bound_late(w["wang"], w["meeting"])
        assert found[0].flat.building.name == "1栋"
