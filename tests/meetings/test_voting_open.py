"""Opening the voting (art. 13, 18): the ownership re-check ends the bindings of flats whose owner
changed (R-BIND-2), then who may vote how is frozen (R-VOTE-4): a flat bound, or a person
verified, on or after the first day of the meeting's publicity votes on paper only in this
meeting, and is told why."""

from __future__ import annotations

import datetime as dt
from unittest.mock import patch

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ownervote.bindings.models import Binding
from ownervote.core.errors import Conflict
from ownervote.core.models import BackgroundJob
from ownervote.meetings import selectors, services
from ownervote.meetings.models import Eligibility, Meeting
from ownervote.notify.models import Notification
from ownervote.notify.testing import run_worker
from ownervote.roster.models import Ownership
from ownervote.verification.models import Verification, VerifiedIdentity
from ownervote.voting.services.opening import open_voting, tell_voters, voting_open
from tests.owners import bind, confirm_totals, verified_person
from tests.rosterfiles import mobile, person_id

from .conftest import actions, at, inbox


def _long_ago(*users) -> None:
    """These people verified and bound their flats a month ago, well before any publicity."""
    then = timezone.now() - dt.timedelta(days=30)
    for user in users:
        Binding.objects.filter(user=user).update(bound_at=then)
        VerifiedIdentity.objects.filter(user=user).update(verified_at=then)
        Verification.objects.filter(user=user).update(finished_at=then)


@pytest.fixture
def world(owner_world, staff, estates, make_meeting):
    """Estate a: zhang (1栋-101) and li (1栋-102) verified and bound a month ago; zhao (赵六)
    verified and bound 1栋-201 and 2栋-201 a month ago. The meeting is publicised today, held in
    25 days. During the publicity: wang binds 1栋-102 (co-owner); li verifies again; 2栋-201 is
    sold (its ownership ends in the roster)."""
    flats = owner_world["flats"]
    zhao = verified_person(mobile(4), "赵六", person_id(4))
    bind(zhao, flats["1栋-201"])
    bind(zhao, flats["2栋-201"])
    _long_ago(owner_world["zhang"], owner_world["li"], zhao)
    meeting = make_meeting(25, "published")
    wang_binding = bind(owner_world["wang"], flats["1栋-102"])
    VerifiedIdentity.objects.filter(user=owner_world["li"]).update(verified_at=timezone.now())
    Ownership.objects.filter(flat=flats["2栋-201"]).update(ended_at=timezone.now(), end_reason="过户")
    # R-ROSTER-1: the sale changed the roster, so the convener confirms the totals again before voting.
    confirm_totals(estates["a"], staff["convener"], reason="2栋-201 过户，重新确认")
    return {**owner_world, "zhao": zhao, "meeting": meeting, "wang_binding": wang_binding}


def test_voting_opens_by_itself_and_freezes_eligibility(world, estates):  # R-VOTE-4, R-BIND-2
    meeting = world["meeting"]
    assert run_worker(at=meeting.voting_opens_at) >= 1
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.VOTING and meeting.voting_opened_at is not None
    rows = {
        (e.binding_id, e.mode, e.reason)
        for e in Eligibility.objects.filter(meeting=meeting).select_related("binding")
    }
    zhang, li, wang = world["zhang_binding"], world["li_binding"], world["wang_binding"]
    zhao_201 = Binding.objects.get(user=world["zhao"], flat=world["flats"]["1栋-201"])
    zhao_2_201 = Binding.objects.get(user=world["zhao"], flat=world["flats"]["2栋-201"])
    assert rows == {
        (zhang.pk, "electronic", ""),  # bound before the publicity
        (li.pk, "paper_only", "verified_during_publicity"),  # verified again during it
        (wang.pk, "paper_only", "bound_during_publicity"),  # bound during it
        (zhao_201.pk, "electronic", ""),
    }
    # R-BIND-2: the sold flat's binding ended when voting opened, and is not in the snapshot.
    zhao_2_201.refresh_from_db()
    assert zhao_2_201.status == "ended" and zhao_2_201.end_reason == "ownership_changed"
    assert meeting.title in zhao_2_201.end_note
    log = actions(estates["a"])
    assert log.index("binding.ended") < log.index("meeting.voting_opened")


def test_each_owner_is_told_how_they_vote_and_why(world):  # R-VOTE-4: the reason is shown
    meeting = world["meeting"]
    run_worker(at=meeting.voting_opens_at)
    (to_wang,) = inbox(world["wang"], "meeting.voting_open")
    reason = str(Eligibility.Reason.BOUND_DURING_PUBLICITY.label)
    assert "1栋-102" in to_wang.body and reason in to_wang.body
    (to_zhang,) = inbox(world["zhang"], "meeting.voting_open")
    assert reason not in to_zhang.body
    (to_zhao,) = inbox(world["zhao"], "meeting.voting_open")
    assert to_zhao.body == to_zhang.body  # everybody electronic reads the same message
    mine = selectors.eligibility_for(world["wang"], meeting)
    assert [(str(e.flat), e.mode, e.reason) for e in mine] == [
        ("1栋-102", "paper_only", "bound_during_publicity")
    ]
    assert selectors.eligibility_for(world["newcomer"], meeting) == []
    assert selectors.eligibility_counts(meeting) == {"electronic": 2, "paper_only": 2}


def test_bound_on_the_first_day_of_publicity_is_during_it(owner_world, make_meeting):  # R-VOTE-4 boundary
    """The publicity runs from 00:00 Beijing time of its first day: zhang and li, who bound today
    before it was published, are inside it."""
    meeting = make_meeting(25, "published")
    run_worker(at=meeting.voting_opens_at)
    assert {e.reason for e in Eligibility.objects.filter(meeting=meeting)} == {"bound_during_publicity"}


def test_a_binding_made_the_day_before_is_electronic(owner_world, make_meeting):  # R-VOTE-4 boundary
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    just_before = start - dt.timedelta(seconds=1)
    for user in (owner_world["zhang"], owner_world["li"]):
        Binding.objects.filter(user=user).update(bound_at=just_before)
        VerifiedIdentity.objects.filter(user=user).update(verified_at=just_before)
        Verification.objects.filter(user=user).update(finished_at=just_before)
    meeting = make_meeting(25, "published")
    run_worker(at=meeting.voting_opens_at)
    assert {e.mode for e in Eligibility.objects.filter(meeting=meeting)} == {"electronic"}


def test_the_first_publicity_counts_after_a_change(world, staff):  # R-VOTE-4 with R-MTG-6
    """A change republishes from a later day; who bound between the first publicity and the change
    is still "during the publicity"."""
    meeting = world["meeting"]
    services.meeting_change(
        actor=staff["convener"], meeting_id=meeting.pk, reason="更正地点", place="会所一楼"
    )
    run_worker(at=meeting.voting_opens_at)
    wang = Eligibility.objects.get(meeting=meeting, binding=world["wang_binding"])
    assert wang.mode == "paper_only"


def test_opening_again_changes_nothing(world):  # R-VOTE-4 idempotent
    meeting = world["meeting"]
    run_worker(at=meeting.voting_opens_at)
    count, log = Eligibility.objects.count(), actions()
    # A binding made after the opening does not slip into the frozen snapshot.
    late = bind(world["zhang"], world["flats"]["车库-P001"])
    voting_open(meeting_id=meeting.pk)
    assert not Eligibility.objects.filter(binding=late).exists()
    assert (
        open_voting.call(meeting_id=meeting.pk, opens_at=meeting.voting_opens_at.isoformat())
        == "not_publicised"
    )
    assert (Eligibility.objects.count(), actions()) == (count, log)


def test_voting_does_not_open_early(world, snapshot):
    meeting = world["meeting"]
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        voting_open(meeting_id=meeting.pk)
    assert exc.value.code == "meeting.voting_not_yet"
    assert open_voting.call(meeting_id=meeting.pk, opens_at=meeting.voting_opens_at.isoformat()) == "early"
    assert snapshot() == before


def test_a_task_for_a_moved_time_does_nothing(world, staff):
    meeting = world["meeting"]
    old = meeting.voting_opens_at
    services.meeting_change(
        actor=staff["convener"],
        meeting_id=meeting.pk,
        reason="改期",
        starts_at=at(30, 9),
        voting_opens_at=at(30, 9),
        voting_closes_at=at(30, 18),
    )
    run_worker(at=old)  # the old task runs at the old time
    meeting.refresh_from_db()
    assert meeting.status == "published" and not meeting.eligibility.exists()
    run_worker(at=at(30, 9))
    meeting.refresh_from_db()
    assert meeting.status == "voting" and meeting.eligibility.count() == 4


def test_only_a_publicised_meeting_opens(staff, make_meeting):
    meeting = make_meeting(25, "submitted")
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=at(-1, 9), voting_opens_at=at(-1, 9), voting_closes_at=at(1, 18)
    )
    with pytest.raises(Conflict) as exc:
        voting_open(meeting_id=meeting.pk)
    assert exc.value.code == "meeting.wrong_status"
    assert open_voting.call(meeting_id=meeting.pk, opens_at=at(-1, 9).isoformat()) == "not_publicised"


def test_a_meeting_held_on_paper_tells_everyone_to_vote_on_paper(owner_world, make_meeting):  # R-MTG-7
    """Art. 11: a meeting that does not vote electronically has nobody told to vote on the phone."""
    _long_ago(owner_world["zhang"], owner_world["li"])
    meeting = make_meeting(25, "published", method=Meeting.Method.PAPER)
    run_worker(at=meeting.voting_opens_at)
    for who in ("zhang", "li"):
        (message,) = inbox(owner_world[who], "meeting.voting_open")
        assert "本次会议仅以书面投票方式表决" in message.body
        assert "电子投票或书面投票" not in message.body


def test_the_voters_are_told_by_a_background_job_with_its_progress(world, staff):  # R-VOTE-4
    """Issue 21 item 5: the opening commits its job (kind ``voting.invite``) and the job's task; the
    worker tells each eligible person in batches, the job's progress counting the people told (the
    electronic message counts each of its people), and the meeting's page shows it. The task run
    again sends nothing twice."""
    meeting = world["meeting"]
    with patch("django.utils.timezone.now", return_value=meeting.voting_opens_at):
        voting_open(meeting_id=meeting.pk)
    job = BackgroundJob.objects.get(kind="voting.invite", target_id=meeting.pk)
    assert job.status == "queued" and job.requested_by is None
    assert not inbox(world["zhang"], "meeting.voting_open")  # not inside the opening's transaction
    page = Client()
    page.force_login(staff["convener"])
    html = page.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert 'id="mt-invite"' in html and 'id="mt-invite-percent">0%<' in html and "hx-select" in html

    run_worker(at=meeting.voting_opens_at)
    job.refresh_from_db()
    people = Eligibility.objects.filter(meeting=meeting).values("user").distinct().count()
    assert job.status == "done" and job.done == job.total == people and job.percent == 100
    assert job.outcome["people"] == people
    assert inbox(world["zhang"], "meeting.voting_open") and inbox(world["wang"], "meeting.voting_open")
    sent = Notification.objects.filter(kind="meeting.voting_open").count()
    assert tell_voters.call(job_id=job.pk) == "skipped" and Notification.objects.count() >= sent
    assert Notification.objects.filter(kind="meeting.voting_open").count() == sent
    html = page.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert 'id="mt-invite-done"' in html and "hx-select" not in html
