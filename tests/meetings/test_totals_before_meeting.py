"""R-ROSTER-1 (art. 7, 25): a meeting is entered only on confirmed totals, and voting opens only on
confirmed totals that still match the roster. A held opening is recorded on the meeting (its page
and the API say what changed), the convener and the supervising office are told, and confirming the
totals again opens the voting by itself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ownervote.core.errors import Conflict
from ownervote.meetings import services
from ownervote.meetings.errors import Code
from ownervote.meetings.models import Eligibility, Meeting
from ownervote.notify.testing import run_worker
from ownervote.roster.models import Flat
from tests.owners import confirm_totals

from .conftest import actions, inbox, meeting_input


def test_r_roster_1_entry_is_refused_without_confirmed_totals(staff, estates, snapshot):
    convener, a = staff["convener"], estates["a"]
    meeting = services.meeting_create(actor=convener, estate_id=a.pk, **meeting_input(25))
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.meeting_submit(actor=convener, meeting_id=meeting.pk)
    assert exc.value.code == Code.TOTALS_UNCONFIRMED
    totals_url = reverse("roster:totals", args=[a.pk])
    assert exc.value.details["totals_url"] == totals_url
    message = str(exc.value.message)
    assert (
        message.startswith("《深圳市物业管理电子投票规则》第七条：")
        and "尚未确认" in message
        and totals_url in message
    )
    assert snapshot() == before  # nothing entered, nobody told
    confirm_totals(a, convener)
    services.meeting_submit(actor=convener, meeting_id=meeting.pk)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SUBMITTED


def test_r_roster_1_the_page_points_to_the_totals_and_refuses_the_entry(client, staff, estates):
    convener, a = staff["convener"], estates["a"]
    meeting = services.meeting_create(actor=convener, estate_id=a.pk, **meeting_input(25))
    client.force_login(convener)
    detail = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert 'id="totals-missing"' in detail and reverse("roster:totals", args=[a.pk]) in detail
    page = client.post(reverse("meetings:submit", args=[meeting.pk]), follow=True).content.decode()
    assert "业主总人数和总投票权数尚未确认" in page
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT


def test_r_roster_1_the_api_refuses_the_entry(staff, estates):
    convener, a = staff["convener"], estates["a"]
    meeting = services.meeting_create(actor=convener, estate_id=a.pk, **meeting_input(25))
    c = Client()
    c.force_login(convener)
    response = c.post(f"/api/meetings/{meeting.pk}/submit")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "meeting.totals_unconfirmed"
    assert error["details"]["totals_url"] == reverse("roster:totals", args=[a.pk])


@pytest.fixture
def stale(owner_world, staff, estates, make_meeting):
    """A publicised meeting of estate a on confirmed totals; then 1栋-101's registered area is
    corrected by 50 m² without the totals being confirmed again."""
    meeting = make_meeting(25, "published")
    flat = owner_world["flats"]["1栋-101"]
    Flat.objects.filter(pk=flat.pk).update(area=flat.area + Decimal("50.00"))
    return meeting


def test_r_roster_1_voting_is_held_on_stale_totals_and_everyone_is_told(stale, staff, estates):
    meeting = stale
    confirmed = meeting.estate.snapshots.order_by("-id").first()
    assert run_worker(at=meeting.voting_opens_at) >= 1
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED and meeting.voting_opened_at is None
    assert not Eligibility.objects.filter(meeting=meeting).exists()
    refusal = meeting.opening_refusal
    assert refusal["code"] == "meeting.totals_stale" and refusal["flats_changed"] == 1
    assert refusal["confirmed"]["area"] == str(confirmed.total_area)
    assert refusal["now"]["area"] == str(confirmed.total_area + Decimal("50.00"))
    assert refusal["confirmed"]["owners"] == refusal["now"]["owners"] == confirmed.total_owners
    assert "meeting.voting_held" in actions(estates["a"])
    for who in ("convener", "street"):  # the convener and the supervising office
        (note,) = inbox(staff[who], "meeting.voting_held")
        assert str(confirmed.total_area) in note.body and refusal["now"]["area"] in note.body
        assert (
            "《深圳市物业管理电子投票规则》第七条、第二十五条" in note.body
            and reverse("roster:totals", args=[estates["a"].pk]) in note.body
        )
    # The task again (a retry): nothing more is recorded or sent.
    from ownervote.voting.services.opening import voting_open

    with_clock = meeting.voting_opens_at + dt.timedelta(minutes=5)
    from unittest.mock import patch

    with patch("django.utils.timezone.now", return_value=with_clock):
        voting_open(meeting_id=meeting.pk)
    assert len(inbox(staff["convener"], "meeting.voting_held")) == 1
    assert actions(estates["a"]).count("meeting.voting_held") == 1


def test_r_roster_1_confirming_again_opens_the_voting(stale, staff, estates):
    meeting = stale
    run_worker(at=meeting.voting_opens_at)
    later = meeting.voting_opens_at + dt.timedelta(hours=1)
    confirm_totals(estates["a"], staff["convener"], reason="1栋-101 面积更正后重新确认")
    assert run_worker(at=later) >= 1  # the opening queued by the confirmation
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.VOTING
    assert meeting.opening_refused_at is None and meeting.opening_refusal == {}
    assert Eligibility.objects.filter(meeting=meeting).exists()


def test_r_roster_1_voting_is_held_without_any_confirmed_totals(stale, estates):
    meeting = stale
    estates["a"].snapshots.all().delete()  # as for a meeting entered before totals were required
    run_worker(at=meeting.voting_opens_at)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    assert meeting.opening_refusal["code"] == "meeting.totals_unconfirmed"


def test_r_roster_1_the_meeting_page_and_the_api_show_the_held_opening(client, stale, staff):
    meeting = stale
    run_worker(at=meeting.voting_opens_at)
    meeting.refresh_from_db()
    refusal = meeting.opening_refusal
    for who in ("convener", "street"):
        client.force_login(staff[who])
        body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        assert 'id="voting-held"' in body and "投票未能开始" in body
        assert refusal["confirmed"]["area"] in body and refusal["now"]["area"] in body
        assert 'id="voting-held-confirm"' in body
    client.force_login(staff["convener"])
    api = client.get(f"/api/meetings/{meeting.pk}").json()
    assert api["opening_refusal"]["code"] == "meeting.totals_stale" and api["opening_refused_at"]
