"""The time limits of a complaint (R-SEC-4, 《信访工作条例》 15 and 60 days) counted as the Civil Code
counts periods (R-MTG-8): properties over any start day, on the shipped calendar and on a calendar
that lacks the year."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ownervote.rules import complaints as limits
from ownervote.rules.calendar import SHIPPED, ChineseCalendar

CAL = ChineseCalendar(SHIPPED)
SHIPPED_DAYS = st.dates(min_value=dt.date(min(SHIPPED), 1, 1), max_value=dt.date(max(SHIPPED), 9, 30))
ANY_DAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 1))


@given(start=SHIPPED_DAYS, days=st.sampled_from([limits.ACCEPT_DAYS, limits.CONCLUDE_DAYS]))
def test_the_start_is_not_counted_and_the_last_day_is_a_working_day(start, days):
    end = limits.period_end(CAL, start, days)
    assert end >= start + dt.timedelta(days=days)  # the start day is not one of the days
    assert not CAL.is_day_off(end)
    # every day it moved over is a day off (art. 203): it never moves further than needed
    d = start + dt.timedelta(days=days)
    while d < end:
        assert CAL.is_day_off(d)
        d += dt.timedelta(days=1)


@given(start=SHIPPED_DAYS)
def test_accept_and_conclude_use_fifteen_and_sixty_days(start):
    assert limits.accept_by(CAL, start) == CAL.period_end(start, 15)
    assert limits.conclude_by(CAL, start) == CAL.period_end(start, 60)


@given(start=ANY_DAYS, days=st.integers(min_value=1, max_value=120))
def test_a_year_the_calendar_lacks_moves_only_over_weekends(start, days):
    empty = ChineseCalendar({})
    end = limits.period_end(empty, start, days)
    plain = start + dt.timedelta(days=days)
    assert plain <= end <= plain + dt.timedelta(days=2)
    assert end.weekday() < 5


@given(last=ANY_DAYS, offset=st.integers(min_value=-5, max_value=5))
def test_overdue_from_the_day_after_the_last_day(last, offset):
    today = last + dt.timedelta(days=offset)
    assert limits.is_overdue(last, today) == (offset > 0)
    assert not limits.is_overdue(None, today)


def test_a_known_case_national_day():
    # Received on 20 September 2025: day 15 is 5 October, inside the National Day break (1-8
    # October 2025); the limit moves to Thursday 9 October, the first working day.
    assert limits.accept_by(CAL, dt.date(2025, 9, 20)) == dt.date(2025, 10, 9)
    # An ordinary case: received Monday 3 March 2025, day 15 is Tuesday 18 March.
    assert limits.accept_by(CAL, dt.date(2025, 3, 3)) == dt.date(2025, 3, 18)
