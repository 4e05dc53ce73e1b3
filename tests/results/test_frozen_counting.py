"""The counting settings belong to the meeting (issue 24 item 5): whether non-voters count with the
majority (随多数, R-TALLY-7) and whether parking spaces count (R-ROSTER-5) are frozen when the meeting
is publicised, shown on the notice and the ballot, and every count uses the frozen values; under
随多数 the result shows participation both ways and which one decided each item."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ownervote.audit.models import AuditEvent
from ownervote.meetings.models import Item, Meeting
from ownervote.results import texts
from ownervote.results.services import counting, results
from ownervote.results.tables.result import result_context, result_html
from ownervote.results.views.console import result_table
from ownervote.roster.models import Estate
from ownervote.roster.services import estate_update
from ownervote.rules import tally
from ownervote.voting.services import cast, progress
from tests.voting.conftest import full_answers
from tests.voting.paper_fixtures import close_now

pytestmark = pytest.mark.django_db

D = Decimal


def _set_estate(w, **settings) -> None:
    """The convener changes the estate's settings through the service (R-ROSTER-2: with a reason)."""
    estate_update(actor=w["convener"], estate_id=w["meeting"].estate_id, reason="议事规则修订", **settings)


def _vote(w, who: str, label: str) -> None:
    items = list(Item.objects.filter(meeting=w["meeting"]).order_by("position"))
    cast.ballot_cast(
        actor=w[who], meeting_id=w["meeting"].pk, flat_ids=[w["flats"][label].pk], answers=full_answers(items)
    )


def _close(meeting: Meeting) -> Meeting:
    close_now(meeting)
    progress.voting_close(meeting_id=meeting.pk)
    meeting.refresh_from_db()
    return meeting


def test_publicity_freezes_the_estates_counting_settings(voting_world):
    """R-TALLY-7 R-ROSTER-5, issue 24 item 5: the meeting keeps the settings in force when it was
    publicised, recorded with its publicity; the estate's later change does not reach it."""
    meeting = voting_world["meeting"]
    assert (meeting.follow_majority, meeting.parking_counts) == (False, False)
    published = AuditEvent.objects.get(action="meeting.published", object_id=str(meeting.pk))
    assert published.summary["follow_majority"] is False and published.summary["parking_counts"] is False
    _set_estate(voting_world, follow_majority=True, parking_counts=True)
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.estate.follow_majority is True
    assert meeting.counting_settings() == (False, False)
    convener = Client()
    convener.force_login(voting_world["convener"])
    got = convener.get(f"/api/meetings/{meeting.pk}").json()
    assert (got["follow_majority"], got["parking_counts"]) == (False, False)


def test_editing_the_estates_setting_during_the_meeting_does_not_change_its_result(voting_world):
    """R-TALLY-7 R-ROSTER-5 R-RES-1, issue 24 item 5: 随多数 and parking switched on in the estate
    while voting runs; the result is computed, generated and labelled with the frozen values."""
    w = voting_world
    _vote(w, "zhang", "1栋-101")
    _set_estate(w, follow_majority=True, parking_counts=True)
    meeting = _close(w["meeting"])
    assert counting.compute(meeting).follow_majority is False
    result = results.result_generate(actor=w["convener"], meeting_id=meeting.pk)
    assert result.follow_majority is False
    assert result.content["result"]["follow_majority"] is False
    assert result.content["parking_counts"] is False
    # the other way round: a meeting publicised under 随多数 keeps it when the estate drops it
    Meeting.objects.filter(pk=meeting.pk).update(follow_majority=True)
    _set_estate(w, follow_majority=False)
    meeting.refresh_from_db()
    assert counting.compute(meeting).follow_majority is True


def test_the_roll_counts_parking_as_frozen_even_when_the_estate_changed_it(voting_world):
    """R-ROSTER-5 R-ROSTER-1, issue 24 item 5: the roll and its totals check read the totals confirmed
    under the parking setting frozen at publicity, not the estate's current setting."""
    from ownervote.roster.services.totals import totals_check

    w = voting_world
    estate = Estate.objects.get(pk=w["meeting"].estate_id)
    _set_estate(w, parking_counts=True)
    estate.refresh_from_db()
    # the estate's own view: its confirmed totals (parking not counted) no longer match its setting
    assert totals_check(estate).stale is True
    # the meeting's view: the totals confirmed under its frozen setting still hold
    assert totals_check(estate, parking_counts=False).stale is False


def test_notice_and_ballot_show_the_frozen_settings(voting_world, client):
    """R-TALLY-7 R-ROSTER-5 R-MTG-10, issue 24 item 5: the notice and the owner's ballot say how the
    votes are counted, in Chinese, with the values frozen at publicity."""
    w = voting_world
    meeting = w["meeting"]
    _set_estate(w, follow_majority=True, parking_counts=True)  # after publicity: not this meeting's
    notice = client.get(reverse("meetings:notice", args=[meeting.pk])).content.decode()
    assert "计票规则" in notice
    assert "只计参与表决的业主" in notice and "车位不计入" in notice
    assert "会议公示时确定" in notice
    zhang = Client()
    zhang.force_login(w["zhang"])
    form = zhang.get(reverse("voting:ballot_form", args=[meeting.pk]) + f"?flats={w['flats']['1栋-101'].pk}")
    assert form.status_code == 200
    html = form.content.decode()
    assert "计票规则" in html and "只计参与表决的业主" in html and "车位不计入" in html
    # publicised under 随多数, both say so
    Meeting.objects.filter(pk=meeting.pk).update(follow_majority=True, parking_counts=True)
    notice = client.get(reverse("meetings:notice", args=[meeting.pk])).content.decode()
    assert "计入多数一方（随多数）" in notice and "车位计入专有部分面积和业主人数" in notice


def _content_under_follow_majority() -> dict:
    """A result under 随多数: 3 of 4 owners (100 of 300 m²) voted yes; the non-voter (200 m²) goes
    with them. By the voters alone two thirds of the area did not take part."""
    totals = tally.Totals(area=D("300"), owners=4, flats=4)
    items = [tally.ItemSpec(id=1, kind=tally.QUESTION, category=9)]
    ballots = [
        tally.FlatBallot(flat=str(n), owner=str(n), area=D(a), answers={1: "yes"})
        for n, a in ((1, "40"), (2, "30"), (3, "30"))
    ]
    outcome = tally.tally(totals, items, ballots, follow_majority=True)
    return {
        "meeting": {"title": "t", "estate": "e", "street": "s", "convener": "c"},
        "items": [
            {
                "id": 1,
                "position": 1,
                "title": "选聘物业",
                "kind": "question",
                "category": 9,
                "threshold": "majority",
                "candidates": [],
            }
        ],
        "result": tally.to_json(outcome),
    }


def test_result_under_follow_majority_shows_participation_both_ways():
    """R-TALLY-7 R-TALLY-2 R-RES-1, issue 24 item 5: beside "two thirds took part: not met" (the
    voters) the table shows the participation with the non-voters and which one decided the item."""
    content = _content_under_follow_majority()
    outcome = content["result"]
    assert outcome["quorum"] == {"area": False, "owners": True}
    both = texts.with_nonvoters(outcome)
    assert both == {
        "area": "300",
        "owners": 4,
        "area_pct": "100.00%",
        "owners_pct": "100.00%",
        "quorum": True,
    }
    r = outcome["items"][0]
    assert r["passed"] is True
    assert texts.decided_by(outcome, r) == "按未参与表决的业主计入多数一方（随多数）后的参与情况决定。"
    ctx = result_context(content)
    assert ctx["with_nonvoters"]["quorum"] is True and ctx["items"][0]["decided_by"]
    table = result_table(content)
    assert table["with_nonvoters"]["owners"] == 4 and table["items"][0]["decided_by"]
    assert "随多数" in table["items"][0]["sentence"]
    lines = texts.outcome_lines(content)
    assert "按参与表决的业主计算，参与表决达三分之二：未达到。" in lines
    assert any("达三分之二：达到" in line for line in lines)
    # without 随多数 nothing is added
    plain = dict(outcome, follow_majority=False)
    assert texts.with_nonvoters(plain) is None and texts.decided_by(plain, r) == ""


def test_result_pdf_html_under_follow_majority(voting_world):
    """R-TALLY-7 R-RES-1, issue 24 item 5: the printed result table carries both participations and
    the item's deciding one."""
    w = voting_world
    _vote(w, "zhang", "1栋-101")
    Meeting.objects.filter(pk=w["meeting"].pk).update(follow_majority=True)  # publicised so
    meeting = _close(w["meeting"])
    result = results.result_generate(actor=w["convener"], meeting_id=meeting.pk)
    assert result.follow_majority is True
    html = result_html(result)
    assert 'id="with-nonvoters"' in html
    assert "计入未表决业主（随多数）后参与表决" in html
    assert "随多数）后的参与情况决定" in html


def test_the_data_migration_freezes_meetings_already_publicised(voting_world):
    """Issue 24 item 5 (R-TALLY-7, R-ROSTER-5): a meeting publicised before the settings were frozen
    takes the parking setting its roll shows (the parking space left off it) and, without a
    result, the estate's 随多数; a meeting not yet publicised stays unfrozen."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("ownervote.results.migrations.0005_freeze_meeting_counting")
    w = voting_world
    meeting = w["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(follow_majority=None, parking_counts=None)
    Estate.objects.filter(pk=meeting.estate_id).update(follow_majority=True, parking_counts=True)
    migration.freeze(apps, None)
    meeting.refresh_from_db()
    assert (meeting.follow_majority, meeting.parking_counts) == (True, False)
    Meeting.objects.filter(pk=meeting.pk).update(
        follow_majority=None, parking_counts=None, publicity_starts_on=None
    )
    migration.freeze(apps, None)
    meeting.refresh_from_db()
    assert (meeting.follow_majority, meeting.parking_counts) == (None, None)
