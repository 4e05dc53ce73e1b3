"""The binding list's ten days (R-BIND-3, art. 14): a list already running when a meeting is
publicised serves it only if it still runs at least 10 days counted from the meeting's publicity
start, counted as R-MTG-8 counts periods (the first day not counted, a last day off moved to the
next working day: ``ChineseCalendar.period_end``, the same helper as the meeting's own windows).
Otherwise it is extended, or, with none running, published; the meeting's timeline says which."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ownervote.audit.models import AuditEvent
from ownervote.bindinglist.models import Extension, Publication
from ownervote.meetings import explain, selectors
from ownervote.meetings.models import Publicity

from .conftest import actions, day, today


def _running_list(staff, estates, start: int, ends_on: dt.date) -> Publication:
    convener = staff["convener"]
    return Publication.objects.create(
        estate=estates["a"],
        starts_on=day(start),
        ends_on=ends_on,
        binding_count=2,
        list_digest="0" * 64,
        published_by=convener,
        publisher_real_name=convener.real_name,
        publisher_organisation=convener.memberships.get().organisation,
    )


def _ten_days() -> dt.date:
    """The last day of 10 days from today, as R-MTG-8 counts them."""
    return selectors.calendar().period_end(today(), 10)


@pytest.mark.parametrize("short_by", [1, 2, 5, 10])
def test_r_bind_3_a_list_ending_too_soon_is_extended(owner_world, staff, estates, make_meeting, short_by):
    listing = _running_list(staff, estates, -3, _ten_days() - dt.timedelta(days=short_by))
    before = listing.ends_on
    meeting = make_meeting(25, "published")
    listing.refresh_from_db()
    assert Publicity.objects.get(meeting=meeting).binding_publication == listing
    assert listing.ends_on == _ten_days() and Publication.objects.count() == 1
    (extension,) = Extension.objects.filter(publication=listing)
    assert (extension.previous_ends_on, extension.ends_on) == (before, _ten_days())
    assert "“" in extension.reason and extension.extended_by == staff["convener"]
    # The log: the extension before the meeting's publication, naming both ends.
    assert actions(estates["a"])[-2:] == ["bindinglist.extended", "meeting.published"]
    event = AuditEvent.objects.get(action="bindinglist.extended")
    assert event.summary["previous_ends_on"] == before.isoformat()
    assert event.summary["ends_on"] == _ten_days().isoformat()
    # The timeline says it was extended, and to when.
    (row,) = [r for r in explain.meeting_timeline(meeting).rows if r.code == explain.BINDING_LIST]
    assert row.rule == "R-BIND-3" and row.label == "绑定清单已延长"
    assert _ten_days().isoformat() in row.explanation and before.isoformat() in row.explanation


@pytest.mark.parametrize("longer_by", [0, 1, 30])
def test_r_bind_3_a_list_running_ten_days_serves_the_meeting(
    owner_world, staff, estates, make_meeting, longer_by
):
    listing = _running_list(staff, estates, -3, _ten_days() + dt.timedelta(days=longer_by))
    ends_on = listing.ends_on
    meeting = make_meeting(25, "published")
    listing.refresh_from_db()
    assert Publicity.objects.get(meeting=meeting).binding_publication == listing
    assert listing.ends_on == ends_on and not Extension.objects.exists()
    assert "bindinglist.extended" not in actions(estates["a"])
    (row,) = [r for r in explain.meeting_timeline(meeting).rows if r.code == explain.BINDING_LIST]
    assert row.label == "绑定清单公示中"


def test_r_bind_3_an_ended_list_does_not_serve_a_new_one_is_published(
    owner_world, staff, estates, make_meeting
):
    ended = _running_list(staff, estates, -12, day(-1))
    meeting = make_meeting(25, "published")
    listing = Publicity.objects.get(meeting=meeting).binding_publication
    assert listing != ended and (listing.starts_on, listing.ends_on) == (today(), day(25))
    (row,) = [r for r in explain.meeting_timeline(meeting).rows if r.code == explain.BINDING_LIST]
    assert row.label == "绑定清单已公示" and row.date == today()
    assert f"{today().isoformat()}" in row.explanation and day(25).isoformat() in row.explanation


def test_r_bind_3_the_meeting_page_and_api_say_the_list_was_extended(
    client, owner_world, staff, estates, make_meeting
):
    _running_list(staff, estates, -3, day(7))
    meeting = make_meeting(25, "published")
    client.force_login(staff["convener"])
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert 'data-code="binding_list"' in body and "绑定清单已延长" in body
    assert _ten_days().isoformat() in body
    response = client.get(f"/api/meetings/{meeting.pk}/timeline")
    assert response.status_code == 200
    (row,) = [r for r in response.json()["deadlines"] if r["code"] == "binding_list"]
    assert row["rule"] == "R-BIND-3" and _ten_days().isoformat() in row["explanation"]
