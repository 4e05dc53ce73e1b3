"""Publicity of the result on time (art. 25, 26; R-RES-3), every window counted as the Civil Code
counts periods (R-MTG-8), at the service and on the pages.

The convener used to wait for the street office's window to close, which included the third day,
while the publicity was due within those same 3 days: without guidance, publicity was refused on
days 0 to 3 and called late on day 4, and the window was plain "+3 days". Now the convener may
publicise after the guidance, or without it from the earlier of the guidance window's last day and
the publicity's last day; both are counted on the official calendar (the day of the act not
counted, a last day off moved to the next working day).

The clock is moved with ``time-machine`` to days chosen by hypothesis relative to today, never the
real date; each example runs in a transaction rolled back at its end."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict
from ownervote.meetings import selectors as meeting_selectors
from ownervote.results.models import ResultPublicity
from ownervote.results.services import results
from ownervote.rules import complaints as civil
from ownervote.rules import results as result_rules
from ownervote.rules.calendar import SHIPPED, ChineseCalendar

from .scans import uploads
from .test_services import generated, make_closed, refused

pytestmark = pytest.mark.django_db
BEIJING = meeting_selectors.beijing()
FIXTURES = [HealthCheck.function_scoped_fixture]


@pytest.fixture
def closed_world(voting_world):
    return make_closed(voting_world)


@contextmanager
def on(day: dt.date, hour: int = 10):
    """The clock at ``hour``:00 Beijing time on ``day``, standing still."""
    with time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=BEIJING), tick=False):
        yield


def days(first: dt.date, last: dt.date):
    d = first
    while d <= last:
        yield d
        d += dt.timedelta(days=1)


def publicise_on(w: dict, start: dt.date, late_reason: str = ""):
    return results.result_publicise(
        actor=w["convener"],
        meeting_id=w["meeting"].pk,
        starts_on=start,
        ends_on=start + dt.timedelta(days=10),
        late_reason=late_reason,
    )


def submit_on(w: dict, resolved: dt.date, submitted: dt.date):
    with on(resolved):
        generated(w)
    with on(submitted):
        return results.result_submit(actor=w["convener"], meeting_id=w["meeting"].pk, **uploads())


# --- the rules (no database) -------------------------------------------------------------------

CAL = ChineseCalendar(SHIPPED)
SHIPPED_DAYS = st.dates(min_value=dt.date(min(SHIPPED), 1, 1), max_value=dt.date(max(SHIPPED), 12, 1))


@given(resolved=SHIPPED_DAYS, late=st.integers(0, 6), guided=st.booleans())
def test_r_res_3_the_windows_are_counted_as_the_civil_code_counts(resolved, late, guided):
    """R-RES-3, R-MTG-8: both windows are ``period_end`` of 3 days (the meeting's guidance window's
    count), and the convener may publicise on the publicity's last day whatever the office does."""
    submitted = resolved + dt.timedelta(days=late)
    until = result_rules.guidance_until(CAL, submitted)
    due = result_rules.publicity_due_by(CAL, resolved)
    assert until == CAL.period_end(submitted, 3) and due == CAL.period_end(resolved, 3)
    assert not CAL.is_day_off(until) and not CAL.is_day_off(due)
    # on time is always possible: on the last day of the 3 days at the latest
    if submitted <= due:
        assert result_rules.may_publicise(today=due, guided=guided, guidance_ends_on=until, due_by=due)
    first = result_rules.may_publicise_from(until, due)
    for d in days(submitted, first - dt.timedelta(days=1)):
        assert (
            result_rules.may_publicise(today=d, guided=guided, guidance_ends_on=until, due_by=due) is guided
        )


def test_r_mtg_8_a_known_case_national_day():
    """R-MTG-8: a resolution on 28 September 2025: day 3 is 1 October, inside the National Day break
    (1-8 October); the 3 days end on Thursday 9 October."""
    assert result_rules.publicity_due_by(CAL, dt.date(2025, 9, 28)) == dt.date(2025, 10, 9)
    # A Friday submission: day 3 is Monday; a Wednesday one: day 3 is Saturday, moved to Monday.
    assert result_rules.guidance_until(CAL, dt.date(2025, 3, 7)) == dt.date(2025, 3, 10)
    assert result_rules.guidance_until(CAL, dt.date(2025, 3, 5)) == dt.date(2025, 3, 10)


# --- the service ----------------------------------------------------------------------------------


@settings(max_examples=20, deadline=None, suppress_health_check=FIXTURES)
@given(offset=st.integers(0, 330), late=st.integers(0, 3))
def test_r_res_3_without_guidance_the_convener_publicises_on_time(closed_world, offset, late):
    """R-RES-3, R-MTG-8: resolved on day R and submitted ``late`` days later, without guidance the
    publicity is refused ("guidance pending", saying from when it is possible) until the earlier of
    the guidance window's and the publicity's last day, then accepted on that day, on time (no
    reason asked) whenever the result was submitted within the 3 days."""
    w = closed_world
    cal = meeting_selectors.calendar()
    resolved = results.today() + dt.timedelta(days=offset)
    submitted = resolved + dt.timedelta(days=late)
    with transaction.atomic():
        made = submit_on(w, resolved, submitted)
        assert made.guidance_ends_on == civil.period_end(cal, submitted, 3)
        due = civil.period_end(cal, resolved, 3)
        first = min(made.guidance_ends_on, due)
        assert results.publicity_due_by(made) == due and results.publicise_from(made) == first
        for d in days(submitted, first - dt.timedelta(days=1)):
            with on(d, hour=23):
                with pytest.raises(Conflict) as caught:
                    publicise_on(w, d)
                assert caught.value.code == "result.guidance_pending"
                assert caught.value.details["publicise_from"] == first.isoformat()
        assert not ResultPublicity.objects.exists()
        with on(first, hour=0):
            done = publicise_on(w, first)
        assert done.late_reason == ""
        event = AuditEvent.objects.get(action="result.publicised")
        assert event.summary["late"] is (first > due) and event.summary["guided"] is False
        assert first <= due  # submitted within the 3 days: always on time
        transaction.set_rollback(True)


def test_r_res_3_the_day_after_the_guidance_is_not_late(closed_world):
    """R-RES-3: submitted on the day of the resolution, the guidance window and the 3 days end the
    same day; the old code refused that day and called the next one late."""
    w = closed_world
    resolved = results.today()
    made = submit_on(w, resolved, resolved)
    due = results.publicity_due_by(made)
    assert made.guidance_ends_on == due
    with on(due - dt.timedelta(days=1), hour=23):
        refused(Conflict, "result.guidance_pending", lambda: publicise_on(w, due))
    with on(due, hour=9):
        done = publicise_on(w, due)
    assert done.starts_on == due and done.late_reason == ""


def test_r_res_3_guidance_after_the_publicity_started_is_recorded_with_it(closed_world):
    """R-RES-3: the office's window runs to the end of its last day: guidance given after the
    publicity started on that day is accepted, and recorded as given after the publicity."""
    w = closed_world
    resolved = results.today()
    made = submit_on(w, resolved, resolved)
    last = made.guidance_ends_on
    with on(last, hour=9):
        publicise_on(w, last)
    with on(last, hour=23):
        given = results.guidance_give(
            actor=w["street"], meeting_id=w["meeting"].pk, text="请在公告栏同时张贴签字版。"
        )
    assert given.result_id == made.pk
    event = AuditEvent.objects.get(action="result.guidance_given")
    assert event.summary["after_publicity"] is True


def test_r_res_3_guidance_lets_the_convener_publicise_at_once(closed_world):
    """R-RES-3: after the guidance, the convener publicises the same day."""
    w = closed_world
    resolved = results.today()
    submit_on(w, resolved, resolved)
    with on(resolved, hour=15):
        results.guidance_give(actor=w["street"], meeting_id=w["meeting"].pk, text="同意公示。")
        done = publicise_on(w, resolved)
    assert AuditEvent.objects.get(action="result.publicised").summary["guided"] is True
    assert done.starts_on == resolved


# --- the pages ------------------------------------------------------------------------------------


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@settings(max_examples=8, deadline=None, suppress_health_check=FIXTURES)
@given(offset=st.integers(0, 330), late=st.integers(0, 2))
def test_r_res_3_page_offers_the_publicity_from_the_day_it_is_on_time(closed_world, offset, late):
    """R-RES-3, R-MTG-8 on the result console: before the first day the page says from when the
    convener may publicise; on that day it offers the form, and publicising succeeds."""
    w = closed_world
    console = reverse("results:console", args=[w["meeting"].pk])
    resolved = results.today() + dt.timedelta(days=offset)
    submitted = resolved + dt.timedelta(days=late)
    with transaction.atomic():
        made = submit_on(w, resolved, submitted)
        first = results.publicise_from(made)
        for d in days(submitted, first - dt.timedelta(days=1)):
            with on(d):  # signed in that day: a console session does not last for days
                html = _client(w["convener"]).get(console).content.decode()
                assert 'id="publicity-form"' not in html
                assert f'data-publicise-from="{first.isoformat()}"' in html
        with on(first):
            client = _client(w["convener"])
            assert 'id="publicity-form"' in client.get(console).content.decode()
            done = client.post(
                reverse("results:publicise", args=[w["meeting"].pk]),
                {"starts_on": first.isoformat(), "ends_on": (first + dt.timedelta(days=10)).isoformat()},
            )
            assert done.status_code == 302
        assert ResultPublicity.objects.get().starts_on == first
        transaction.set_rollback(True)


def test_r_res_3_guidance_after_the_publicity_is_shown_on_the_console_and_the_public_page(closed_world):
    """R-RES-3: the guidance given once the result was publicised is shown with it, marked so, on the
    console and on the public result page (and in the public API)."""
    w = closed_world
    resolved = results.today()
    made = submit_on(w, resolved, resolved)
    last = made.guidance_ends_on
    with on(last, hour=9):
        publicise_on(w, last)
    with on(last, hour=20):
        _client(w["street"]).post(
            reverse("results:guidance", args=[w["meeting"].pk]), {"text": "请补贴签字版公告。"}
        )
        console = _client(w["convener"]).get(reverse("results:console", args=[w["meeting"].pk]))
        public = Client().get(reverse("results:public", args=[w["meeting"].pk]))
        api = Client().get(f"/api/results/public/meetings/{w['meeting'].pk}/result").json()
    assert 'data-after-publicity="1"' in console.content.decode()
    html = public.content.decode()
    assert 'id="rp-guidance"' in html and "请补贴签字版公告。" in html and 'data-after-publicity="1"' in html
    assert [(g["text"], g["after_publicity"]) for g in api["guidance"]] == [("请补贴签字版公告。", True)]
