"""Art. 12 (R-MTG-2, R-MTG-3, counted per R-MTG-8): the meeting is publicised according to the
supervising office's guidance: once the guidance is given, or once its 5-day window has run out,
and at the latest on the last day the publicity still starts 15 days before the meeting (the office
*may* guide, the publicity *must* be on time). The guidance is shown with the notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from ownervote.core.errors import Conflict
from ownervote.meetings import selectors, services
from ownervote.meetings.errors import Code
from ownervote.meetings.models import Meeting
from ownervote.rules import schedule
from ownervote.rules.calendar import SHIPPED, ChineseCalendar

from .conftest import day, guide, today


def test_r_mtg_2_publicity_waits_for_the_guidance_window(staff, make_meeting, snapshot):
    meeting = make_meeting(25, "submitted")
    assert meeting.guidance_ends_on >= day(5)
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.meeting_publish(actor=staff["convener"], meeting_id=meeting.pk)
    assert exc.value.code == Code.GUIDANCE_PENDING
    expected = min(meeting.guidance_ends_on + dt.timedelta(days=1), day(25 - 15))
    assert exc.value.details == {
        "guidance_ends_on": meeting.guidance_ends_on.isoformat(),
        "publicity_from": expected.isoformat(),
    }
    message = str(exc.value.message)
    assert (
        message.startswith("《深圳市物业管理电子投票规则》第十二条：")
        and "指导意见" in message
        and expected.isoformat() in message
    )
    assert snapshot() == before


def test_r_mtg_2_publicity_follows_the_guidance_at_once(staff, make_meeting):
    meeting = make_meeting(25, "submitted")
    guide(meeting, "请在公告中写明续聘条件。")
    services.meeting_publish(actor=staff["convener"], meeting_id=meeting.pk)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED and meeting.publicity_starts_on == today()


def test_r_mtg_2_without_guidance_publicity_starts_the_day_after_the_window(staff, make_meeting):
    meeting = make_meeting(25, "submitted")
    # Entered 6 days ago: its window (R-MTG-8) ended yesterday, no guidance came.
    Meeting.objects.filter(pk=meeting.pk).update(entered_on=day(-6), guidance_ends_on=day(-1))
    services.meeting_publish(actor=staff["convener"], meeting_id=meeting.pk)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED


def test_r_mtg_2_on_the_windows_last_day_it_still_waits(staff, make_meeting):
    meeting = make_meeting(25, "submitted")
    Meeting.objects.filter(pk=meeting.pk).update(entered_on=day(-5), guidance_ends_on=today())
    with pytest.raises(Conflict) as exc:
        services.meeting_publish(actor=staff["convener"], meeting_id=meeting.pk)
    assert exc.value.details["publicity_from"] == day(1).isoformat()


def test_r_mtg_3_publicity_on_time_is_always_possible(staff, make_meeting):
    """Entered exactly 20 days before, the window can end (a day off moving it) after the last day
    the publicity is on time: then the publicity may start on that last day, and guidance given
    later that day is still shown with the notice (R-MTG-2, R-MTG-3)."""
    meeting = make_meeting(25, "submitted")
    Meeting.objects.filter(pk=meeting.pk).update(entered_on=day(-5), guidance_ends_on=day(1))
    meeting.refresh_from_db()
    assert meeting.starts_at.date() - dt.timedelta(days=15) >= today()
    # Held in 25 days: the last day on time is day 10, so today (before it) it waits...
    with pytest.raises(Conflict):
        services.meeting_publish(actor=staff["convener"], meeting_id=meeting.pk)
    # ...but had it been held in 15 days, today would be the last day, and publicity is allowed.
    held_in_15 = selectors.held_on(meeting) - dt.timedelta(days=10)
    assert (
        schedule.publicity_may_start_on(held_on=held_in_15, guidance_until=day(1), guided_on=None) == today()
    )


def test_r_mtg_2_the_guidance_is_shown_with_the_notice(client, staff, make_meeting):
    meeting = make_meeting(25, "submitted")
    guide(meeting, "请补充续聘合同的主要条款。")
    services.meeting_publish(actor=staff["convener"], meeting_id=meeting.pk)
    page = client.get(reverse("meetings:notice", args=[meeting.pk])).content.decode()
    assert 'id="guidance"' in page and "请补充续聘合同的主要条款。" in page


def test_r_mtg_2_the_meeting_page_says_from_when_it_may_be_publicised(client, staff, make_meeting):
    meeting = make_meeting(25, "submitted")
    client.force_login(staff["convener"])
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    from_day = selectors.publicity_from(meeting)
    assert 'id="publicity-from"' in body and from_day.isoformat() in body
    page = client.post(reverse("meetings:publish", args=[meeting.pk]), follow=True).content.decode()
    assert "根据指导意见公示" in page
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SUBMITTED


CAL = ChineseCalendar(SHIPPED)


@given(
    held=st.dates(min_value=dt.date(2024, 2, 1), max_value=dt.date(2026, 12, 31)),
    lead=st.integers(min_value=schedule.ENTRY_MIN_DAYS, max_value=60),
    guided_after=st.one_of(st.none(), st.integers(min_value=0, max_value=10)),
)
def test_r_mtg_2_r_mtg_3_r_mtg_8_publicity_waits_for_the_guidance_but_is_never_late(held, lead, guided_after):
    entered = held - dt.timedelta(days=lead)
    if entered.year not in SHIPPED:
        return
    until = CAL.period_end(entered, schedule.GUIDANCE_DAYS)
    guided = None
    if guided_after is not None:
        guided = entered + dt.timedelta(days=guided_after)
        if guided > until:
            return  # guidance is given within the window only
    first = schedule.publicity_may_start_on(held_on=held, guidance_until=until, guided_on=guided)
    # Never later than the last day on time (R-MTG-3), never before the entry.
    assert entered <= first <= held - dt.timedelta(days=schedule.PUBLICITY_BEFORE_DAYS)
    if first < held - dt.timedelta(days=schedule.PUBLICITY_BEFORE_DAYS):
        # Released early only by the guidance or by the window having run out (R-MTG-2).
        assert first == guided or first == until + dt.timedelta(days=1)
