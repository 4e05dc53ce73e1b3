"""R-BIND-3: the binding list is published for at least 10 days (rules art. 14 "至少10日", art. 29
"不少于10日"), days counted as Chinese law counts periods: the first day is not counted (Civil Code
art. 201). R-BIND-4: objections are filed while the publicity runs (art. 15). No database."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ownervote.rules.publicity import (
    PUBLICITY_MIN_DAYS,
    counted_days,
    earliest_end,
    is_running,
    overlaps,
    publicity_problems,
)

days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31))
offsets = st.integers(min_value=-400, max_value=400)


def test_minimum_is_ten_days():  # R-BIND-3, art. 14, art. 29
    assert PUBLICITY_MIN_DAYS == 10


def test_first_day_is_not_counted():  # R-BIND-3, Civil Code art. 201
    # Posted on 1 March: 2..11 March are the ten counted days.
    start = dt.date(2026, 3, 1)
    assert earliest_end(start) == dt.date(2026, 3, 11)
    assert publicity_problems(start, dt.date(2026, 3, 11), start) == []
    assert publicity_problems(start, dt.date(2026, 3, 10), start) == ["too_short"]


def test_across_month_and_year_ends():  # R-BIND-3, Civil Code art. 201
    assert earliest_end(dt.date(2026, 2, 20)) == dt.date(2026, 3, 2)  # 2026 is not a leap year
    assert earliest_end(dt.date(2028, 2, 20)) == dt.date(2028, 3, 1)  # 2028 is
    assert earliest_end(dt.date(2026, 12, 25)) == dt.date(2027, 1, 4)


@given(start=days, length=st.integers(min_value=0, max_value=60), lead=st.integers(min_value=0, max_value=30))
def test_period_is_acceptable_exactly_when_it_lasts_ten_counted_days(start, length, lead):
    # R-BIND-3, art. 14, art. 29, Civil Code art. 201
    today = start - dt.timedelta(days=lead)
    ends = start + dt.timedelta(days=length)
    problems = publicity_problems(start, ends, today)
    assert (problems == []) == (length >= PUBLICITY_MIN_DAYS)
    assert (problems == ["too_short"]) == (length < PUBLICITY_MIN_DAYS)
    assert counted_days(start, ends) == length
    assert (ends >= earliest_end(start)) == (length >= PUBLICITY_MIN_DAYS)


@given(start=days, ends_offset=offsets, today_offset=offsets)
def test_problems_name_each_fault(start, ends_offset, today_offset):  # R-BIND-3
    ends = start + dt.timedelta(days=ends_offset)
    today = start + dt.timedelta(days=today_offset)
    problems = publicity_problems(start, ends, today)
    assert ("starts_in_past" in problems) == (start < today)
    assert ("ends_before_start" in problems) == (ends < start)
    assert ("too_short" in problems) == (0 <= ends_offset < PUBLICITY_MIN_DAYS)
    assert len(problems) == len(set(problems))


def test_backdated_publicity_is_refused():  # R-BIND-3: a publicity cannot start before it is published
    today = dt.date(2026, 5, 10)
    assert publicity_problems(dt.date(2026, 5, 9), dt.date(2026, 5, 30), today) == ["starts_in_past"]
    assert publicity_problems(today, dt.date(2026, 5, 20), today) == []


@given(start=days, length=st.integers(min_value=0, max_value=60), today_offset=offsets)
def test_running_includes_first_and_last_day(start, length, today_offset):  # R-BIND-4, art. 15
    ends = start + dt.timedelta(days=length)
    today = start + dt.timedelta(days=today_offset)
    assert is_running(start, ends, today) == (0 <= today_offset <= length)


def test_running_edges():  # R-BIND-4, art. 15
    start, ends = dt.date(2026, 3, 1), dt.date(2026, 3, 11)
    assert not is_running(start, ends, dt.date(2026, 2, 28))
    assert is_running(start, ends, start)
    assert is_running(start, ends, ends)
    assert not is_running(start, ends, dt.date(2026, 3, 12))


@given(a=days, a_len=st.integers(0, 40), b_offset=offsets, b_len=st.integers(0, 40))
def test_overlap_means_a_shared_day(a, a_len, b_offset, b_len):  # R-BIND-3: one live publication at a time
    a_end = a + dt.timedelta(days=a_len)
    b = a + dt.timedelta(days=b_offset)
    b_end = b + dt.timedelta(days=b_len)
    shared = any(is_running(b, b_end, a + dt.timedelta(days=i)) for i in range(a_len + 1))
    assert overlaps(a, a_end, b, b_end) == shared
    assert overlaps(a, a_end, b, b_end) == overlaps(b, b_end, a, a_end)
