"""The owner's home after a vote (issue 22 item 6): each meeting says where it stands for the owner
(can vote until..., voted with the receipt, voting closed, result publicised), most urgent first,
and a flat that has voted is never listed under "您不能在这里投票的房屋" (R-VOTE-3, R-VOTE-4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ownervote.meetings.models import Meeting
from ownervote.portal import selectors
from ownervote.portal.selectors import URGENCY, OwnerMeeting, State
from ownervote.voting.models import Submission
from ownervote.voting.services import cast
from tests.voting.conftest import cast_world, make_voting_meeting  # noqa: F401 - fixtures

HOME = "/m/"


@pytest.fixture
def w(cast_world):  # noqa: F811 - the voting tests' fixture, imported above
    """tests/voting/conftest.py ``cast_world``: zhang, li (and wang) can vote in ``meeting`` now."""
    return cast_world


def _vote(w, who="zhang", flats=("1栋-101",)):
    return cast.ballot_cast(
        actor=w[who],
        meeting_id=w["meeting"].pk,
        flat_ids=[w["flat"][f] for f in flats],
        answers=w["answers"],
    )


def _meeting_block(page: str, meeting) -> str:
    start = page.index(f'id="meeting-{meeting.pk}"')
    end = page.find('class="ov-item', start + 1)
    return page[start : end if end != -1 else len(page)]


def test_before_voting_the_home_says_until_when(client, w):  # R-VOTE-4
    client.force_login(w["zhang"])
    block = _meeting_block(client.get(HOME).content.decode(), w["meeting"])
    closes = timezone.localtime(w["meeting"].voting_closes_at).strftime("%Y-%m-%d %H:%M")
    assert 'data-state="vote_now"' in block and f"您可以投票，截止时间 {closes}" in block
    assert f'id="vote-{w["meeting"].pk}"' in block


def test_after_voting_the_home_shows_voted_with_the_receipt(client, w):  # R-VOTE-3
    _vote(w)
    code = cast.display_code(Submission.objects.get(user=w["zhang"]).code)
    client.force_login(w["zhang"])
    block = _meeting_block(client.get(HOME).content.decode(), w["meeting"])
    assert 'data-state="voted"' in block and "您已投票" in block and "已投票：1栋-101" in block
    assert code in block
    assert f'id="vote-{w["meeting"].pk}"' not in block  # nothing left to vote
    assert "您可以用手机投票" not in block  # not "✓ you can vote on your phone" for a voted flat
    assert f'id="ballot-{w["meeting"].pk}"' in block


def test_vote_page_lists_voted_flats_apart_from_refused_ones(client, w):  # R-VOTE-3
    _vote(w)
    client.force_login(w["zhang"])
    page = client.get(f"/m/meetings/{w['meeting'].pk}/vote/").content.decode()
    assert 'id="voted"' in page and "已投票的房屋" in page and "1栋-101" in page
    assert 'id="cannot-vote"' not in page and "您不能在这里投票的房屋" not in page


def test_after_the_close_home_and_vote_page_say_when_and_what_is_left(client, w):  # R-VOTE-1
    closed_at = timezone.now() - dt.timedelta(minutes=5)
    Meeting.objects.filter(pk=w["meeting"].pk).update(voting_closes_at=closed_at)
    when = timezone.localtime(closed_at).strftime("%Y-%m-%d %H:%M")
    client.force_login(w["li"])
    block = _meeting_block(client.get(HOME).content.decode(), w["meeting"])
    assert 'data-state="closed"' in block and f"投票已于 {when} 结束" in block
    assert f'id="vote-{w["meeting"].pk}"' not in block
    page = client.get(f"/m/meetings/{w['meeting'].pk}/vote/").content.decode()
    assert f"投票已于 {when} 结束，不能再投票。" in page and "向街道办事处投诉" in page
    assert "现在不在投票时间内" not in page
    assert 'href="/m/complaints/new/"' in page


def _om(pk: int, state: str, closes_in_h: float) -> OwnerMeeting:
    now = timezone.now()
    m = Meeting(
        pk=pk,
        starts_at=now,
        voting_opens_at=now - dt.timedelta(hours=1),
        voting_closes_at=now + dt.timedelta(hours=closes_in_h),
    )
    return OwnerMeeting(m, state=state)


def test_most_urgent_first():  # issue 22 item 6
    """Voting now (nearest close first), then paper only, upcoming, voted, closed, result."""
    rows = [
        _om(1, State.RESULT, 1),
        _om(2, State.VOTED, 1),
        _om(3, State.VOTE_NOW, 48),
        _om(4, State.CLOSED, -1),
        _om(5, State.VOTE_NOW, 2),
        _om(6, State.UPCOMING, 30),
        _om(7, State.PAPER, 5),
    ]
    ordered = sorted(rows, key=lambda om: om.sort_key)
    assert [om.meeting.pk for om in ordered] == [5, 3, 7, 6, 2, 4, 1]
    assert [om.state for om in ordered] == sorted((om.state for om in rows), key=URGENCY.index)


def test_signed_out_estate_page_has_no_personal_state(client, w):
    (om,) = selectors.owner_meetings(None, [w["meeting"]])
    assert om.state == State.VOTE_NOW and om.receipts == [] and om.voted_flats == []
