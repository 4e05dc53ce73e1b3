"""The meetings' entries on the staff home (``core.todo``, issue 22 item 1): the supervising office
sees each entered meeting whose guidance window runs, due on its last day (R-MTG-2), and the
district bureau those a street office convenes (R-ORG-3); the convener sees what each meeting needs
next, due 20 days (R-MTG-1) or 15 days (R-MTG-3) before it. Each to-do is scoped and disappears once
done. The days are relative to today (``day``), never the real date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ownervote.meetings import services
from ownervote.meetings import todo as meeting_todos

from .conftest import day, guide, today
from .test_division_conveners import street_meeting  # noqa: F401

pytestmark = pytest.mark.django_db


def keyed(provider, user, on: dt.date | None = None) -> dict:
    return {t.key: t for t in provider(user, on or today())}


def test_r_mtg_2_the_street_office_sees_the_guidance_window_until_it_gives_guidance(staff, make_meeting):
    meeting = make_meeting(days=25, state="submitted")
    key = f"guidance-{meeting.pk}"
    (todo,) = keyed(meeting_todos.guidance_windows, staff["street"]).values()
    assert todo.key == key and todo.due_on == meeting.guidance_ends_on > today()
    assert todo.url == reverse("meetings:guidance", args=[meeting.pk])
    assert not todo.urgent
    # Urgent on the window's last day, gone the day after.
    assert keyed(meeting_todos.guidance_windows, staff["street"], meeting.guidance_ends_on)[key].urgent
    later = meeting.guidance_ends_on + dt.timedelta(days=1)
    assert key not in keyed(meeting_todos.guidance_windows, staff["street"], later)
    # Outside the scope: another street, the district (an owners' committee convenes), the convener.
    for who in ("other_street", "district", "city", "convener"):
        assert key not in keyed(meeting_todos.guidance_windows, staff[who]), who
    guide(meeting)
    assert key not in keyed(meeting_todos.guidance_windows, staff["street"])


def test_r_org_3_the_district_sees_the_window_of_a_street_office_meeting(staff, street_meeting):  # noqa: F811
    key = f"guidance-{street_meeting.pk}"
    assert key in keyed(meeting_todos.guidance_windows, staff["district"])
    assert key not in keyed(meeting_todos.guidance_windows, staff["street"])  # not its own work


def test_r_mtg_1_r_mtg_3_the_convener_is_told_to_enter_then_to_publicise(staff, make_meeting):
    meeting = make_meeting(days=25)
    key = f"meeting-{meeting.pk}"
    todo = keyed(meeting_todos.convener_meetings, staff["convener"])[key]
    assert todo.due_on == day(25 - 20)  # R-MTG-1: entered 20 days before
    assert todo.url == reverse("meetings:detail", args=[meeting.pk]) + "#actions"
    assert "录入" in todo.title and not todo.urgent
    assert keyed(meeting_todos.convener_meetings, staff["convener"], day(5))[key].urgent
    for who in ("other_convener", "street", "district"):
        assert key not in keyed(meeting_todos.convener_meetings, staff[who]), who

    services.meeting_submit(actor=staff["convener"], meeting_id=meeting.pk)
    meeting.refresh_from_db()
    todo = keyed(meeting_todos.convener_meetings, staff["convener"])[key]
    assert todo.due_on == day(25 - 15) and "公示" in todo.title  # R-MTG-3: 15 days before
    start = (meeting.guidance_ends_on + dt.timedelta(days=1)).isoformat()
    assert start in todo.detail  # R-MTG-2: from the day after the window, without guidance

    guide(meeting)
    assert "现在即可公示" in keyed(meeting_todos.convener_meetings, staff["convener"])[key].detail
    services.meeting_publish(actor=staff["convener"], meeting_id=meeting.pk)
    assert key not in keyed(meeting_todos.convener_meetings, staff["convener"])


def test_the_home_page_lists_the_street_offices_guidance_to_give(staff, make_meeting):  # R-MTG-2
    meeting = make_meeting(days=25, state="submitted")
    client = Client()
    client.force_login(staff["street"])
    home = client.get(reverse("console:home")).content.decode()
    assert f'id="todo-guidance-{meeting.pk}"' in home
    assert f"截止 {meeting.guidance_ends_on:%Y-%m-%d}" in home
    other = Client()
    other.force_login(staff["other_street"])
    assert f"todo-guidance-{meeting.pk}" not in other.get(reverse("console:home")).content.decode()
