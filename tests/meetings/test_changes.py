"""Changing a meeting after entry (R-MTG-6, art. 12 last para.): every version is kept and can be
compared side by side; a publicised meeting is publicised again from today and the change is
refused, with the earliest meeting date that works, when that publicity could not run 15 days
before the meeting. The community committee's invitation follows the new date."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from ownervote.core.errors import Conflict, Forbidden, InvalidInput
from ownervote.meetings import selectors, services
from ownervote.meetings.models import Meeting, MeetingVersion, Publicity
from ownervote.notify.testing import run_worker

from .conftest import actions, at, day, guide, inbox, on, outbox, today, topics


def _published_days_ago(meeting: Meeting, ago: int, held: int) -> None:
    """The meeting was entered and publicised ``ago`` days ago and is held ``held`` days from
    today."""
    Meeting.objects.filter(pk=meeting.pk).update(
        entered_on=day(-ago),
        publicity_starts_on=day(-ago),
        starts_at=at(held, 9),
        voting_opens_at=at(held, 9),
        voting_closes_at=at(held, 18),
    )
    Publicity.objects.filter(meeting=meeting).update(starts_on=day(-ago), ends_on=day(held))


def test_a_change_after_entry_needs_a_reason_and_keeps_version_one(staff, make_meeting, snapshot):  # R-MTG-6
    convener = staff["convener"]
    meeting = make_meeting(25, "submitted")
    v1 = MeetingVersion.objects.get(meeting=meeting, number=1)
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.meeting_change(actor=convener, meeting_id=meeting.pk, place="社区活动中心")
    assert "reason" in exc.value.details["fields"]
    assert snapshot() == before
    services.meeting_change(actor=convener, meeting_id=meeting.pk, reason="会所装修", place="社区活动中心")
    meeting.refresh_from_db()
    assert meeting.version == 2 and meeting.place == "社区活动中心"
    old, new = meeting.versions.order_by("number")
    assert old == v1 and old.content == v1.content and old.content["place"] == "碧海花园会所二楼"
    assert (new.number, new.reason, new.content["place"]) == (2, "会所装修", "社区活动中心")
    assert new.digest != old.digest
    # Not publicised yet: nothing is republished, owners hear nothing, the street office is told.
    assert not Publicity.objects.filter(meeting=meeting).exists()
    assert inbox(staff["street"], "meeting.changed")


def test_a_change_that_changes_nothing_is_refused(staff, make_meeting, snapshot):
    meeting = make_meeting(25, "published")
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.meeting_change(
            actor=staff["convener"],
            meeting_id=meeting.pk,
            reason="核对",
            place="碧海花园会所二楼",
            topics=topics(),
        )
    assert exc.value.code == "meeting.unchanged"
    assert snapshot() == before


def test_the_kind_of_an_entered_meeting_does_not_change(staff, make_meeting, snapshot):
    meeting = make_meeting(25, "submitted")
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.meeting_change(
            actor=staff["convener"], meeting_id=meeting.pk, reason="改为临时会议", kind="temporary"
        )
    assert "kind" in exc.value.details["fields"]
    assert snapshot() == before


def test_a_publicised_change_is_publicised_again(owner_world, staff, estates, make_meeting):  # R-MTG-6
    convener, community = staff["convener"], staff["community"]
    meeting = make_meeting(25, "published")
    first = Publicity.objects.get(meeting=meeting)
    services.meeting_change(
        actor=convener,
        meeting_id=meeting.pk,
        reason="会所装修，改期改地点",
        place="社区活动中心",
        starts_at=at(30, 14),
        voting_opens_at=at(30, 14),
        voting_closes_at=at(31, 18),
    )
    meeting.refresh_from_db()
    first.refresh_from_db()
    assert first.superseded_at is not None
    second = Publicity.objects.get(meeting=meeting, superseded_at__isnull=True)
    assert (second.version.number, second.starts_on, second.ends_on) == (2, today(), day(30))
    assert second.reason == "会所装修，改期改地点"
    assert (meeting.publicity_starts_on, meeting.publicity_ends_on, meeting.version) == (today(), day(30), 2)
    assert actions(estates["a"])[-1] == "meeting.changed"
    # The first invitation is withdrawn; a new one leaves three working days before the new day.
    assert {m.status for m in outbox(f"meeting:{meeting.pk}:invitation:v1")} == {"cancelled"}
    new_day = selectors.calendar().working_days_before(day(30), 3)
    assert meeting.invitation_on == new_day
    (invitation,) = outbox(f"meeting:{meeting.pk}:invitation:v2")
    assert (invitation.user, invitation.status, invitation.not_before) == (
        community,
        "pending",
        on(new_day, 9),
    )
    run_worker(at=on(new_day, 9))
    assert len(inbox(community, "meeting.invitation")) == 1  # only the new one ever arrives
    # Owners are told, by inbox and SMS.
    (note,) = inbox(owner_world["zhang"], "meeting.changed")
    assert "社区活动中心" in note.body and "会所装修，改期改地点" in note.body
    assert {m.channel for m in outbox(f"meeting:{meeting.pk}:changed:v2")} >= {"inbox", "sms"}
    # The voting opens at the new time: a new task; the old one does nothing.
    tasks = DBTaskResult.objects.filter(task_path="ownervote.voting.services.opening.open_voting").order_by(
        "enqueued_at"
    )
    assert [t.run_after for t in tasks] == [at(25, 9), at(30, 14)]


def test_the_invitation_moves_only_when_the_day_moves(staff, make_meeting):  # R-MTG-4
    meeting = make_meeting(25, "published")
    old_day = meeting.invitation_on
    services.meeting_change(
        actor=staff["convener"], meeting_id=meeting.pk, reason="更正地点", place="会所一楼"
    )
    meeting.refresh_from_db()
    assert meeting.invitation_on == old_day
    (invitation,) = outbox(f"meeting:{meeting.pk}:invitation:v2")
    assert invitation.not_before == on(old_day, 9) and "会所一楼" in invitation.body
    assert DBTaskResult.objects.filter(task_path="ownervote.voting.services.opening.open_voting").count() == 1


def test_a_late_change_is_refused_with_the_earliest_date(
    owner_world, staff, make_meeting, snapshot
):  # R-MTG-6
    convener = staff["convener"]
    meeting = make_meeting(25, "published")
    _published_days_ago(meeting, 15, 10)  # publicised 15 days ago, held in 10 days
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.meeting_change(
            actor=convener, meeting_id=meeting.pk, reason="更换会场", place="社区活动中心"
        )
    error = exc.value
    assert error.status == 409 and error.code == "meeting.change_too_late"
    assert error.details["earliest_held_on"] == day(15).isoformat()
    (problem,) = error.details["problems"]
    assert (problem["code"], problem["rule"]) == ("republication_too_late", "R-MTG-6")
    assert (
        "第十二条" in str(error.message)
        and "R-MTG-6" not in str(error.message)
        and day(15).isoformat() in str(error.message)
    )
    assert snapshot() == before
    # The date offered works: the change that also moves the meeting there is accepted.
    services.meeting_change(
        actor=convener,
        meeting_id=meeting.pk,
        reason="更换会场并改期",
        place="社区活动中心",
        starts_at=at(15, 9),
        voting_opens_at=at(15, 9),
        voting_closes_at=at(15, 18),
    )
    meeting.refresh_from_db()
    assert (meeting.version, meeting.publicity_starts_on, meeting.publicity_ends_on) == (2, today(), day(15))


def test_a_change_moving_the_meeting_too_close_is_refused(staff, make_meeting, snapshot):  # R-MTG-6
    meeting = make_meeting(25, "published")
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.meeting_change(
            actor=staff["convener"],
            meeting_id=meeting.pk,
            reason="提前召开",
            starts_at=at(14, 9),
            voting_opens_at=at(14, 9),
            voting_closes_at=at(14, 18),
        )
    assert exc.value.details["earliest_held_on"] == day(15).isoformat()
    assert snapshot() == before


def test_a_change_fifteen_days_before_is_accepted(staff, make_meeting):  # R-MTG-6 boundary
    meeting = make_meeting(25, "published")
    _published_days_ago(meeting, 10, 15)
    services.meeting_change(
        actor=staff["convener"], meeting_id=meeting.pk, reason="更换会场", place="社区活动中心"
    )
    meeting.refresh_from_db()
    assert meeting.version == 2


def test_the_entry_rule_is_not_applied_again(staff, make_meeting):  # R-MTG-6: a change republishes only
    meeting = make_meeting(25, "submitted")
    services.meeting_change(
        actor=staff["convener"],
        meeting_id=meeting.pk,
        reason="提前",
        starts_at=at(16, 9),
        voting_opens_at=at(16, 9),
        voting_closes_at=at(16, 18),
    )
    guide(meeting)  # art. 12, R-MTG-2
    services.meeting_publish(actor=staff["convener"], meeting_id=meeting.pk)
    meeting.refresh_from_db()
    assert meeting.status == "published" and meeting.version == 2
    assert selectors.timeline(meeting).ok


@pytest.mark.parametrize("who", ["street", "community"])
def test_only_the_convener_changes(staff, make_meeting, snapshot, who):
    meeting = make_meeting(25, "published")
    before = snapshot()
    with pytest.raises(Forbidden):
        services.meeting_change(actor=staff[who], meeting_id=meeting.pk, reason="x", place="别处")
    assert snapshot() == before


def test_no_change_once_voting_opened(staff, make_meeting, snapshot):
    meeting = make_meeting(25, "published")
    run_worker(at=meeting.voting_opens_at)
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.meeting_change(actor=staff["convener"], meeting_id=meeting.pk, reason="x", place="别处")
    assert exc.value.code == "meeting.not_changeable"
    with pytest.raises(Conflict):
        services.meeting_cancel(actor=staff["convener"], meeting_id=meeting.pk, reason="取消")
    assert snapshot() == before


# --- versions side by side --------------------------------------------------------------------


def test_version_diff_lists_every_changed_field(staff, make_meeting):  # R-MTG-6
    meeting = make_meeting(25, "published")
    new_topics = topics()
    new_topics[0]["items"][0]["title"] = "是否续聘深圳市某物业服务有限公司（三年）"
    election = new_topics[1]["items"][0]
    election["candidates"] = [*election["candidates"][:3], {"name": "吴五", "profile": ""}]
    new_topics[1]["items"].append(
        {"title": "是否调整停车费", "description": "", "kind": "question", "category": 8, "candidates": []}
    )
    services.meeting_change(
        actor=staff["convener"],
        meeting_id=meeting.pk,
        reason="征求意见后修改",
        place="社区活动中心",
        starts_at=at(26, 9),
        voting_opens_at=at(26, 9),
        voting_closes_at=at(26, 18),
        topics=new_topics,
    )
    v1, v2 = MeetingVersion.objects.filter(meeting=meeting).order_by("number")
    rows = {r["field"]: r for r in selectors.version_diff(v1, v2)}
    assert rows["place"]["before"] == "碧海花园会所二楼" and rows["place"]["after"] == "社区活动中心"
    assert rows["starts_at"]["before"] == f"{day(25).isoformat()} 09:00"
    assert rows["starts_at"]["after"] == f"{day(26).isoformat()} 09:00"
    assert rows["items[0].title"]["after"] == "是否续聘深圳市某物业服务有限公司（三年）"
    assert rows["items[1].candidates"]["before"] == "陈一、林二、黄三、周四"
    assert rows["items[1].candidates"]["after"] == "陈一、林二、黄三、吴五"
    assert rows["items[2]"]["before"] is None and "是否调整停车费" in rows["items[2]"]["after"]
    assert "title" not in rows and "method" not in rows
    assert all(r["label"] for r in rows.values())
    # And back: the item is removed.
    back = {r["field"]: r for r in selectors.version_diff(v2, v1)}
    assert back["items[2]"]["after"] is None and "是否调整停车费" in back["items[2]"]["before"]
    assert selectors.version_diff(v1, v1) == []


def test_an_inserted_item_is_added_not_every_later_item_changed(staff, make_meeting):  # R-MTG-6
    meeting = make_meeting(25, "submitted")
    new_topics = topics()
    new_topics[0]["items"].insert(
        0,
        {"title": "是否成立业主大会", "description": "", "kind": "question", "category": 9, "candidates": []},
    )
    services.meeting_change(
        actor=staff["convener"], meeting_id=meeting.pk, reason="增加表决事项", topics=new_topics
    )
    v1, v2 = MeetingVersion.objects.filter(meeting=meeting).order_by("number")
    rows = selectors.version_diff(v1, v2)
    assert [r["field"] for r in rows] == ["items[0]"]
    assert rows[0]["before"] is None and "是否成立业主大会" in rows[0]["after"]


def test_versions_are_kept_for_whoever_sees_the_meeting(owner_world, staff, make_meeting):
    meeting = make_meeting(25, "published")
    services.meeting_change(
        actor=staff["convener"], meeting_id=meeting.pk, reason="更正地点", place="会所一楼"
    )
    for user in (staff["street"], staff["city"], owner_world["zhang"]):
        assert [v.number for v in selectors.versions_for(user, meeting.pk)] == [1, 2]
    assert dt.date.fromisoformat(
        selectors.versions_for(staff["street"], meeting.pk)[0].content["starts_at"][:10]
    ) == day(25)
