"""The deadlines of a meeting (rules art. 12): R-MTG-1 entry 20 days before, R-MTG-2 guidance within
5 days, R-MTG-3 publicity 15 days before (and the 10-day publicity of art. 14), R-MTG-4 invitation 3
working days before, R-MTG-6 republication 15 days before, counted per R-MTG-8 (Civil Code art. 201,
203). No database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import chinese_calendar
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ownervote.rules.calendar import SHIPPED, ChineseCalendar, UnknownYear, YearTable
from ownervote.rules.schedule import (
    ENTRY_MIN_DAYS,
    GUIDANCE_DAYS,
    INVITATION_WORKING_DAYS,
    PUBLICITY_BEFORE_DAYS,
    PUBLICITY_MIN_DAYS,
    Plan,
    compute,
    earliest_held_on,
)

D = dt.date
cal = ChineseCalendar()


def draft(today: dt.date, held_on: dt.date) -> Plan:
    """A draft: entered and publicised today if it were submitted now."""
    return Plan(held_on=held_on, entered_on=today, publicity_starts_on=today, today=today)


def codes(schedule) -> list[str]:
    return [p.code for p in schedule.problems]


def test_constants_are_the_rules():  # R-MTG-1..4, art. 12, art. 14
    assert (ENTRY_MIN_DAYS, PUBLICITY_BEFORE_DAYS, PUBLICITY_MIN_DAYS) == (20, 15, 10)
    assert (GUIDANCE_DAYS, INVITATION_WORKING_DAYS) == (5, 3)


def test_exactly_20_days_entry_is_accepted():
    """R-MTG-1, R-MTG-8: entered Mon 2 Mar 2026, days 3..22 Mar are the 20 days: held 22 Mar is ok."""
    schedule = compute(draft(D(2026, 3, 2), D(2026, 3, 22)), cal)
    assert schedule.ok
    entry = schedule.deadline("entry_by")
    assert (entry.on, entry.days, entry.rule, entry.article) == (D(2026, 3, 2), 20, "R-MTG-1", "art. 12")
    assert earliest_held_on(draft(D(2026, 3, 2), D(2026, 3, 22)), cal) == D(2026, 3, 22)


def test_19_days_entry_is_refused_with_the_earliest_day():  # R-MTG-1
    schedule = compute(draft(D(2026, 3, 2), D(2026, 3, 21)), cal)
    assert not schedule.ok
    assert codes(schedule) == ["entry_too_late"]
    (problem,) = schedule.problems
    assert problem.rule == "R-MTG-1"
    assert problem.earliest_held_on == D(2026, 3, 22)
    assert problem.params["days"] == 20
    assert problem.params["latest_entry_on"] == D(2026, 3, 1)
    assert compute(draft(D(2026, 3, 2), problem.earliest_held_on), cal).ok


def test_exactly_15_days_publicity_is_accepted():
    """R-MTG-3, R-MTG-8: entered 1 Mar, publicised 7 Mar, held 22 Mar (8..22 are 15 days)."""
    plan = Plan(
        held_on=D(2026, 3, 22),
        entered_on=D(2026, 3, 1),
        publicity_starts_on=D(2026, 3, 7),
        today=D(2026, 3, 1),
    )
    schedule = compute(plan, cal)
    assert schedule.ok
    assert schedule.deadline("publicity_by").on == D(2026, 3, 7)
    # 14 days is refused, and the problem offers the day that leaves 15.
    late = compute(replace(plan, publicity_starts_on=D(2026, 3, 8)), cal)
    assert codes(late) == ["publicity_too_late"]
    (problem,) = late.problems
    assert problem.rule == "R-MTG-3"
    assert problem.earliest_held_on == D(2026, 3, 23)
    assert problem.params == {
        "days": 15,
        "publicity_starts_on": D(2026, 3, 8),
        "latest_publicity_on": D(2026, 3, 7),
    }


def test_ten_day_publicity_earliest_end():
    """art. 14 (R-BIND-3), R-MTG-8: publicised Tue 3 Mar 2026, 10 days end Fri 13 Mar; publicised Wed
    4 Feb 2026, 10 days reach Sat 14 Feb, a make-up working day: it stays."""
    plan = Plan(
        held_on=D(2026, 3, 30),
        entered_on=D(2026, 3, 3),
        publicity_starts_on=D(2026, 3, 3),
        today=D(2026, 3, 3),
    )
    assert compute(plan, cal).deadline("publicity_until").on == D(2026, 3, 13)
    plan = Plan(
        held_on=D(2026, 3, 30),
        entered_on=D(2026, 2, 4),
        publicity_starts_on=D(2026, 2, 4),
        today=D(2026, 2, 4),
    )
    assert compute(plan, cal).deadline("publicity_until").on == D(2026, 2, 14)
    # Publicised Fri 6 Feb: 16 Feb is in Spring Festival -> Tue 24 Feb.
    plan = replace(plan, publicity_starts_on=D(2026, 2, 6))
    assert compute(plan, cal).deadline("publicity_until").on == D(2026, 2, 24)


@pytest.mark.parametrize(
    ("entered_on", "guidance_until"),
    [
        (D(2026, 2, 10), D(2026, 2, 24)),  # 5th day Sun 15 Feb, Spring Festival until 23 Feb
        (D(2026, 3, 2), D(2026, 3, 9)),  # 5th day Sat 7 Mar, an ordinary weekend
        (D(2026, 2, 9), D(2026, 2, 14)),  # 5th day Sat 14 Feb, a make-up working day: not extended
        (D(2026, 3, 4), D(2026, 3, 9)),  # 5th day Mon 9 Mar, a working day
        (D(2025, 9, 30), D(2025, 10, 9)),  # 5th day 5 Oct 2025, National Day until 8 Oct
    ],
)
def test_guidance_window_ends_on_a_working_day(entered_on, guidance_until):
    """R-MTG-2, R-MTG-8 (Civil Code art. 201, 203): the entry day is not counted; a 5th day that is a
    holiday or weekend moves to the next working day."""
    schedule = compute(draft(entered_on, entered_on + dt.timedelta(days=40)), cal)
    deadline = schedule.deadline("guidance_until")
    assert (deadline.on, deadline.rule, deadline.days) == (guidance_until, "R-MTG-2", 5)


def test_invitation_counts_a_make_up_saturday():
    """R-MTG-4: meeting Mon 2 Mar 2026; Sat 28 Feb is a make-up working day, so the third working day
    before is Thu 26 Feb (not Wed 25)."""
    schedule = compute(draft(D(2026, 2, 1), D(2026, 3, 2)), cal)
    invitation = schedule.deadline("invitation_on")
    assert (invitation.on, invitation.rule, invitation.days) == (D(2026, 2, 26), "R-MTG-4", 3)
    # Meeting Wed 4 Mar: Tue 3, Mon 2, Sat 28 Feb: the invitation goes out on the make-up Saturday.
    assert compute(draft(D(2026, 2, 1), D(2026, 3, 4)), cal).deadline("invitation_on").on == D(2026, 2, 28)
    # An ordinary weekend is skipped: meeting Mon 9 Mar -> Wed 4 Mar.
    assert compute(draft(D(2026, 2, 1), D(2026, 3, 9)), cal).deadline("invitation_on").on == D(2026, 3, 4)


def test_meeting_right_after_spring_festival_2026():
    """R-MTG-4: meeting Tue 24 Feb 2026, the first working day after the 15-23 Feb holiday: the
    invitation is counted across it (Sat 14 make-up, Fri 13, Thu 12)."""
    schedule = compute(draft(D(2026, 1, 20), D(2026, 2, 24)), cal)
    assert schedule.ok
    assert schedule.deadline("invitation_on").on == D(2026, 2, 12)


def test_deadlines_are_listed_in_date_order():  # R-MTG-1..6
    schedule = compute(draft(D(2026, 3, 2), D(2026, 4, 20)), cal)
    on = {d.code: d.on for d in schedule.deadlines}
    assert on == {
        "entry_by": D(2026, 3, 31),
        "guidance_until": D(2026, 3, 9),
        "publicity_by": D(2026, 4, 5),
        "publicity_until": D(2026, 3, 12),
        "changes_until": D(2026, 4, 5),
        "invitation_on": D(2026, 4, 15),
        "held_on": D(2026, 4, 20),
    }
    assert [d.on for d in schedule.deadlines] == sorted(on.values())
    assert schedule.deadline("nonexistent") is None


def test_meeting_today_or_earlier_is_refused():  # R-MTG-1
    today = D(2026, 3, 2)
    schedule = compute(draft(today, today), cal)
    assert codes(schedule) == ["held_in_past", "entry_too_late", "publicity_too_late"]
    assert {p.earliest_held_on for p in schedule.problems} == {D(2026, 3, 22)}
    # A published meeting being looked at on its day: only held_in_past, offering tomorrow.
    plan = Plan(held_on=today, entered_on=D(2026, 2, 1), publicity_starts_on=D(2026, 2, 2), today=today)
    problems = compute(plan, cal).problems
    assert [(p.code, p.earliest_held_on) for p in problems] == [("held_in_past", D(2026, 3, 3))]


def test_change_is_republished_15_days_before():
    """R-MTG-6: a change republished today needs 15 days; the 20-day entry rule is not re-applied."""
    today = D(2026, 3, 10)
    plan = Plan(
        held_on=D(2026, 3, 25), entered_on=D(2026, 3, 1), publicity_starts_on=today, today=today, change=True
    )
    assert compute(plan, cal).ok
    # Entered 9 days before the new date: fine for a change.
    assert compute(replace(plan, entered_on=D(2026, 3, 10)), cal).ok
    late = compute(replace(plan, held_on=D(2026, 3, 24)), cal)
    assert codes(late) == ["republication_too_late"]
    (problem,) = late.problems
    assert problem.rule == "R-MTG-6"
    assert problem.earliest_held_on == D(2026, 3, 25)
    assert problem.params["latest_publicity_on"] == D(2026, 3, 9)
    # Entered the same day, without change=True: the entry rule applies again.
    first_entry = replace(plan, held_on=D(2026, 3, 24), entered_on=today, change=False)
    assert codes(compute(first_entry, cal)) == [
        "entry_too_late",
        "publicity_too_late",
    ]
    # A change before publication (publicity planned later): the publicity rule, under its own code.
    unpublished = replace(plan, held_on=D(2026, 3, 24), publicity_starts_on=D(2026, 3, 12))
    assert codes(compute(unpublished, cal)) == ["publicity_too_late"]
    changes = compute(plan, cal).deadline("changes_until")
    assert (changes.on, changes.rule) == (D(2026, 3, 10), "R-MTG-6")


def test_meeting_in_an_unknown_year_is_refused():
    """R-MTG-4: 2027 is not loaded: the meeting cannot be scheduled, and no day is guessed."""
    plan = draft(D(2026, 12, 1), D(2027, 1, 11))
    schedule = compute(plan, cal)
    assert codes(schedule) == ["unknown_year"]
    (problem,) = schedule.problems
    assert problem.earliest_held_on is None
    assert problem.params["year"] == 2027
    assert problem.rule == "R-MTG-4"
    assert schedule.deadline("invitation_on") is None
    # Every date that waits for 2027 is named, with the day it is counted from.
    assert problem.params["needs"] == (("held_on", D(2027, 1, 11)), ("invitation_on", D(2027, 1, 11)))
    assert schedule.deadline("entry_by").on == D(2026, 12, 22)
    # The earliest acceptable day lies in 2026 and is still offered by earliest_held_on().
    assert earliest_held_on(plan, cal) == D(2026, 12, 21)
    # Any later day of 2027 is refused as well: nothing is guessed for the unknown year.
    assert all(
        codes(compute(replace(plan, held_on=D(2027, 1, 1) + dt.timedelta(days=i)), cal)) == ["unknown_year"]
        for i in range(0, 365, 7)
    )


def test_meeting_on_new_years_day_needs_only_the_year_it_counts_in():
    """R-MTG-4: a meeting on 1 Jan 2027 would have its invitation in 2026, but the meeting day's own
    year must be loaded too."""
    schedule = compute(draft(D(2026, 12, 1), D(2027, 1, 1)), cal)
    assert codes(schedule) == ["unknown_year"]
    assert schedule.deadline("invitation_on").on == D(2026, 12, 29)


def test_invitation_counted_back_into_an_unknown_year():
    """R-MTG-4: without 2025 loaded, a meeting on Mon 5 Jan 2026 (1-3 Jan off, Sun 4 Jan worked)
    counts back to Tue 30 Dec 2025 (Sun 4 Jan, Wed 31 Dec, Tue 30 Dec): refused."""
    only_2026 = ChineseCalendar({2026: SHIPPED[2026]})
    plan = Plan(
        held_on=D(2026, 1, 5),
        entered_on=D(2025, 12, 10),
        publicity_starts_on=D(2025, 12, 10),
        today=D(2025, 12, 10),
    )
    schedule = compute(plan, only_2026)
    assert codes(schedule) == ["unknown_year"]
    assert schedule.problems[0].params["year"] == 2025
    assert schedule.deadline("invitation_on") is None
    assert compute(plan, cal).deadline("invitation_on").on == D(2025, 12, 30)


def test_earliest_day_in_an_unknown_year():
    """R-MTG-1, R-MTG-4: entered 20 Dec 2026, the earliest meeting is 9 Jan 2027: it is offered, but an
    unknown_year problem says 2027 must be loaded first, and earliest_held_on() refuses to guess."""
    plan = draft(D(2026, 12, 20), D(2026, 12, 30))
    schedule = compute(plan, cal)
    assert codes(schedule) == ["entry_too_late", "publicity_too_late", "unknown_year"]
    assert [p.earliest_held_on for p in schedule.problems] == [D(2027, 1, 9), D(2027, 1, 9), None]
    assert schedule.problems[-1].params == {
        "year": 2027,
        "needed_for": "earliest_held_on",
        "needs": (("earliest_held_on", D(2027, 1, 9)),),
    }
    with pytest.raises(UnknownYear) as e:
        earliest_held_on(plan, cal)
    assert e.value.year == 2027
    # Once the operator loads 2027 the day can be used.
    loaded = cal.with_years(
        [YearTable(year=2027, holidays=frozenset({D(2027, 1, 1)}), workdays=frozenset(), source="operator")]
    )
    assert earliest_held_on(plan, loaded) == D(2027, 1, 9)
    assert compute(replace(plan, held_on=D(2027, 1, 9)), loaded).ok


# ---- properties -------------------------------------------------------------------------------
# Dates stay inside the shipped years with margin: entry/publicity lookups start after 2024-01-20,
# meeting days and earliest days end before 2026-12-20.


@st.composite
def plans(draw):
    today = draw(st.dates(min_value=D(2024, 2, 20), max_value=D(2026, 9, 30)))
    entered_on = today - dt.timedelta(days=draw(st.integers(min_value=0, max_value=30)))
    publicity_starts_on = entered_on + dt.timedelta(days=draw(st.integers(min_value=0, max_value=40)))
    held_on = today + dt.timedelta(days=draw(st.integers(min_value=-10, max_value=80)))
    change = draw(st.booleans())
    if change and draw(st.booleans()):
        publicity_starts_on = today  # a change republished today
    return Plan(held_on, entered_on, publicity_starts_on, today, change)


def working_days_between(first: dt.date, last_excluded: dt.date) -> int:
    return sum(
        chinese_calendar.is_workday(first + dt.timedelta(days=i)) for i in range((last_excluded - first).days)
    )


@given(plan=plans())
def test_an_accepted_plan_breaks_no_deadline(plan):
    """R-MTG-1, R-MTG-3, R-MTG-6, R-MTG-8: checked with plain date arithmetic, not the module."""
    schedule = compute(plan, cal)
    assume(schedule.ok)
    assert plan.held_on > plan.today
    if not plan.change:
        assert (plan.held_on - plan.entered_on).days >= 20  # R-MTG-1
    assert (plan.held_on - plan.publicity_starts_on).days >= 15  # R-MTG-3 / R-MTG-6
    # Forward periods are never shorter than their days (art. 201) and end on a working day (art. 203).
    guidance = schedule.deadline("guidance_until").on
    assert (guidance - plan.entered_on).days >= 5 and chinese_calendar.is_workday(guidance)
    publicity_end = schedule.deadline("publicity_until").on
    assert (publicity_end - plan.publicity_starts_on).days >= 10 and chinese_calendar.is_workday(
        publicity_end
    )
    assert schedule.deadline("entry_by").on + dt.timedelta(days=20) == plan.held_on
    assert schedule.deadline("publicity_by").on + dt.timedelta(days=15) == plan.held_on
    assert schedule.deadline("changes_until").on + dt.timedelta(days=15) == plan.held_on


@given(plan=plans())
def test_a_rule_violation_is_exactly_what_is_refused(plan):
    """R-MTG-1, R-MTG-3, R-MTG-6: each problem code appears iff its rule (plain arithmetic) is broken."""
    found = set(codes(compute(plan, cal)))
    entry_late = not plan.change and (plan.held_on - plan.entered_on).days < 20
    publicity_late = (plan.held_on - plan.publicity_starts_on).days < 15
    republication = plan.change and plan.publicity_starts_on == plan.today
    assert ("held_in_past" in found) == (plan.held_on <= plan.today)
    assert ("entry_too_late" in found) == entry_late
    assert ("republication_too_late" in found) == (publicity_late and republication)
    assert ("publicity_too_late" in found) == (publicity_late and not republication)
    assert "unknown_year" not in found


@given(plan=plans())
def test_every_refusal_offers_one_earliest_day_that_works(plan):
    """R-MTG-1, R-MTG-3, R-MTG-6: every problem offers the same day, the plan is ok on it, and not on
    the day before."""
    schedule = compute(plan, cal)
    assume(not schedule.ok)
    offered = {p.earliest_held_on for p in schedule.problems}
    assert len(offered) == 1
    (day,) = offered
    assert day is not None
    assert day > plan.held_on
    assert compute(replace(plan, held_on=day), cal).ok
    assert not compute(replace(plan, held_on=day - dt.timedelta(days=1)), cal).ok
    assert earliest_held_on(plan, cal) == day


@given(plan=plans())
def test_earliest_held_on_is_the_first_acceptable_day(plan):  # R-MTG-1, R-MTG-3
    day = earliest_held_on(plan, cal)
    assert compute(replace(plan, held_on=day), cal).ok
    assert not compute(replace(plan, held_on=day - dt.timedelta(days=1)), cal).ok


@given(held_on=st.dates(min_value=D(2024, 1, 20), max_value=D(2026, 12, 31)))
def test_invitation_is_three_working_days_before(held_on):
    """R-MTG-4: the invitation day is a working day strictly before the meeting, and from it
    (included) to the meeting day (excluded) lie exactly three working days: it is the latest day
    that leaves three working days' notice. Checked against chinese_calendar."""
    invitation = compute(draft(D(2024, 1, 2), held_on), cal).deadline("invitation_on").on
    assert invitation < held_on
    assert chinese_calendar.is_workday(invitation)
    assert working_days_between(invitation, held_on) == 3
    assert working_days_between(invitation + dt.timedelta(days=1), held_on) == 2
