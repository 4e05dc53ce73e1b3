"""Entering a meeting in the system (R-MTG-1, art. 12 "录入…发起投票") and the street office's
guidance within 5 days of the entry (R-MTG-2)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.urls import reverse

from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.meetings import access, selectors, services
from ownervote.meetings.models import Guidance, Meeting

from .conftest import actions, at, day, inbox, today


def _move(meeting: Meeting, days: int) -> None:
    """The meeting's day moved to ``days`` from today without the services: a draft that lay
    around while time passed."""
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=at(days, 9), voting_opens_at=at(days, 9), voting_closes_at=at(days, 18)
    )


def test_entry_freezes_version_one_and_tells_the_street_office(staff, estates, make_meeting):  # R-MTG-1
    convener, a = staff["convener"], estates["a"]
    meeting = make_meeting(25)
    services.meeting_submit(actor=convener, meeting_id=meeting.pk)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SUBMITTED
    assert meeting.entered_on == today() and meeting.submitted_at is not None
    # R-MTG-2: the window counts 5 days from the entry (Civil Code art. 201, 203).
    assert meeting.guidance_ends_on == selectors.calendar().period_end(today(), 5)
    (version,) = meeting.versions.all()
    assert version.number == 1 == meeting.version and version.reason == ""
    assert version.content["place"] == "碧海花园会所二楼"
    assert version.content["starts_at"].startswith(day(25).isoformat() + "T09:00:00+08:00")
    election = version.content["topics"][1]["items"][0]
    assert [c["name"] for c in election["candidates"]] == ["陈一", "林二", "黄三", "周四"]
    canonical = json.dumps(version.content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert version.digest == hashlib.sha256(canonical.encode()).hexdigest()
    assert actions(a)[-1] == "meeting.submitted"
    # The street office of the estate's street is told; the other street office is not.
    (note,) = inbox(staff["street"], "meeting.entered")
    assert meeting.guidance_ends_on.isoformat() in note.body
    assert note.link == reverse("meetings:detail", args=[meeting.pk])
    assert not inbox(staff["other_street"]) and not inbox(staff["community"])


def test_entry_exactly_twenty_days_before(staff, make_meeting):  # R-MTG-1 boundary
    meeting = make_meeting(20)
    services.meeting_submit(actor=staff["convener"], meeting_id=meeting.pk)
    meeting.refresh_from_db()
    assert meeting.status == "submitted"


def test_entry_nineteen_days_before_is_refused(staff, make_meeting, snapshot):  # R-MTG-1
    meeting = make_meeting(25)
    _move(meeting, 19)
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.meeting_submit(actor=staff["convener"], meeting_id=meeting.pk)
    assert exc.value.code == "meeting.schedule"
    assert exc.value.details["earliest_held_on"] == day(20).isoformat()
    assert exc.value.details["problems"][0]["code"] == "entry_too_late"
    assert snapshot() == before


def test_entry_happens_once(staff, make_meeting, snapshot):
    meeting = make_meeting(25, "submitted")
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.meeting_submit(actor=staff["convener"], meeting_id=meeting.pk)
    assert exc.value.code == "meeting.wrong_status"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "error"),
    [("street", NotFound), ("other_convener", NotFound), ("city", NotFound)],  # a draft is not seen
)
def test_only_the_convener_enters(staff, make_meeting, snapshot, who, error):  # R-MTG-1
    meeting = make_meeting(25)
    before = snapshot()
    with pytest.raises(error):
        services.meeting_submit(actor=staff[who], meeting_id=meeting.pk)
    assert snapshot() == before


def test_a_draft_is_the_conveners_alone(staff, make_meeting, owner_world):
    meeting = make_meeting(25)
    for who in ("street", "community", "district", "city", "other_convener"):
        with pytest.raises(NotFound):
            access.access_meeting(staff[who], meeting.pk)
    with pytest.raises(NotFound):
        access.access_meeting(owner_world["zhang"], meeting.pk)
    assert access.access_meeting(staff["convener"], meeting.pk) == meeting
    services.meeting_submit(actor=staff["convener"], meeting_id=meeting.pk)
    for who in ("street", "community", "district", "city"):
        assert access.access_meeting(staff[who], meeting.pk) == meeting
    assert list(selectors.to_guide(staff["street"])) == [meeting]
    assert list(selectors.to_guide(staff["other_street"])) == []
    # Owners see it once it is publicised, not before.
    with pytest.raises(NotFound):
        access.access_meeting(owner_world["zhang"], meeting.pk)


# --- guidance (R-MTG-2) -----------------------------------------------------------------------


def test_street_office_gives_guidance_within_the_window(staff, estates, make_meeting):  # R-MTG-2
    meeting = make_meeting(25, "submitted")
    guidance = services.guidance_give(
        actor=staff["street"], meeting_id=meeting.pk, text="请补充物业服务费标准的说明。"
    )
    assert guidance.version == 1 and guidance.author_real_name == staff["street"].real_name
    assert guidance.organisation == staff["street"].memberships.get().organisation
    assert actions(estates["a"])[-1] == "meeting.guidance_given"
    # The convener sees it: in the inbox and through the selector.
    (note,) = inbox(staff["convener"], "meeting.guidance")
    assert "请补充物业服务费标准的说明。" in note.body
    assert list(selectors.guidance_for(staff["convener"], meeting.pk)) == [guidance]


def test_guidance_on_the_last_day_of_the_window(staff, make_meeting):  # R-MTG-2 boundary
    meeting = make_meeting(25, "submitted")
    Meeting.objects.filter(pk=meeting.pk).update(entered_on=day(-5), guidance_ends_on=today())
    services.guidance_give(actor=staff["street"], meeting_id=meeting.pk, text="同意召开。")
    assert Guidance.objects.filter(meeting=meeting).count() == 1


def test_guidance_after_the_window_is_refused(staff, make_meeting, snapshot):  # R-MTG-2
    meeting = make_meeting(25, "submitted")
    Meeting.objects.filter(pk=meeting.pk).update(entered_on=day(-6), guidance_ends_on=day(-1))
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.guidance_give(actor=staff["street"], meeting_id=meeting.pk, text="同意召开。")
    assert exc.value.code == "meeting.guidance_closed"
    assert exc.value.details["guidance_ends_on"] == day(-1).isoformat()
    assert snapshot() == before


def test_the_window_is_counted_from_entry_on_the_calendar(staff, make_meeting):  # R-MTG-2, R-MTG-8
    meeting = make_meeting(25, "submitted")
    end = selectors.calendar().period_end(today(), 5)
    assert meeting.guidance_ends_on == end
    assert end >= today() + dt.timedelta(days=5)
    assert selectors.guidance_open(meeting, end) and not selectors.guidance_open(
        meeting, end + dt.timedelta(1)
    )


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("convener", Forbidden),
        ("community", Forbidden),
        ("district", Forbidden),  # supervises the district, not the estate's street office
        ("city", Forbidden),
        ("other_street", NotFound),
        ("other_convener", NotFound),
    ],
)
def test_only_the_estates_street_office_gives_guidance(staff, make_meeting, snapshot, who, error):  # R-MTG-2
    meeting = make_meeting(25, "submitted")
    before = snapshot()
    with pytest.raises(error):
        services.guidance_give(actor=staff[who], meeting_id=meeting.pk, text="同意召开。")
    assert snapshot() == before


def test_guidance_needs_text_and_an_entered_meeting(staff, make_meeting, snapshot):
    meeting = make_meeting(25, "submitted")
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.guidance_give(actor=staff["street"], meeting_id=meeting.pk, text="  ")
    assert exc.value.code == "meeting.guidance_required"
    assert snapshot() == before
    services.meeting_cancel(actor=staff["convener"], meeting_id=meeting.pk, reason="暂缓召开")
    with pytest.raises(Conflict):
        services.guidance_give(actor=staff["street"], meeting_id=meeting.pk, text="同意召开。")
    (note,) = inbox(staff["street"], "meeting.cancelled")
    assert "暂缓召开" in note.body
