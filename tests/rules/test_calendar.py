"""R-MTG-4: working days follow the official Chinese calendar, make-up working days (调休上班)
included; a year whose schedule is not loaded is refused, never guessed. R-MTG-8: periods are
counted as the Civil Code counts them (art. 201: start day not counted; art. 203: a last day that
is a statutory day off moves to the next working day). No database."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownervote.rules.calendar import (
    NEXT_YEAR,
    SHIPPED,
    THIS_YEAR,
    ChineseCalendar,
    UnknownYear,
    YearTable,
    years_due,
)

D = dt.date
cal = ChineseCalendar()

# Far enough inside the shipped years that every lookup (up to ~2 weeks of holidays) stays inside.
inner_days = st.dates(min_value=D(2024, 2, 1), max_value=D(2026, 11, 30))


def every_day(year: int):
    day = D(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_shipped_day_matches_the_chinesecalendar_package(year):
    """R-MTG-4: day by day, the shipped table agrees with chinese_calendar 1.11.0."""
    for day in every_day(year):
        assert cal.is_working_day(day) == chinese_calendar.is_workday(day), day
        assert cal.is_day_off(day) == chinese_calendar.is_holiday(day), day


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_shipped_tables_list_exactly_the_notices_days(year):
    """R-MTG-4: holidays are the statutory days off incl. adjusted rest days (also those falling on a
    weekend); workdays are exactly the make-up working days, all on a weekend."""
    table = SHIPPED[year]
    assert table.year == year
    assert table.holidays == {d for d in chinese_calendar.holidays if d.year == year}
    assert table.workdays == {d for d in chinese_calendar.workdays if d.year == year and d.weekday() >= 5}
    assert all(d.weekday() >= 5 for d in table.workdays)


def test_each_year_cites_its_state_council_notice():  # R-MTG-4
    assert cal.years == (2024, 2025, 2026)
    assert "国办发明电〔2023〕7号" in cal.source(2024)
    assert "国办发明电〔2024〕12号" in cal.source(2025)
    assert "国办发明电〔2025〕7号" in cal.source(2026)
    for year in cal.years:
        assert f"国务院办公厅关于{year}年部分节假日安排的通知" in cal.source(year)


@pytest.mark.parametrize("day", [D(2023, 12, 29), D(2027, 1, 4), D(2030, 6, 3)])
def test_a_year_not_loaded_is_refused_not_guessed(day):
    """R-MTG-4: an ordinary Monday of 2027 is not assumed to be a working day."""
    with pytest.raises(UnknownYear) as e:
        cal.is_working_day(day)
    assert e.value.year == day.year
    with pytest.raises(UnknownYear):
        cal.is_day_off(day)
    with pytest.raises(UnknownYear):
        cal.source(day.year)
    assert not cal.has_year(day.year)


def test_counting_into_an_unknown_year_is_refused():  # R-MTG-4, R-MTG-8
    # 28 Dec 2026 + 5 days = 2 Jan 2027: its status is unknown.
    with pytest.raises(UnknownYear) as e:
        cal.period_end(D(2026, 12, 28), 5)
    assert e.value.year == 2027
    # 2 Jan 2024 back three working days: 1 Jan is a holiday, then 2023.
    with pytest.raises(UnknownYear) as e:
        cal.working_days_before(D(2024, 1, 2), 3)
    assert e.value.year == 2023
    # Days that are not looked at do not matter: the uncounted start, the day counted back from.
    assert cal.period_end(D(2023, 12, 31), 2) == D(2024, 1, 2)
    assert cal.working_days_before(D(2027, 1, 1), 1) == D(2026, 12, 31)


# A table the city operator could enter for 2027 (made-up days: the notice is not out yet).
OPERATOR_2027 = YearTable(
    year=2027,
    holidays=frozenset({D(2027, 1, 1), D(2027, 1, 4)}),
    workdays=frozenset({D(2027, 1, 9)}),
    source="operator test table",
)


def test_operator_loads_a_year():  # R-MTG-4
    loaded = cal.with_years({2027: OPERATOR_2027})
    assert loaded.years == (2024, 2025, 2026, 2027)
    assert loaded.source(2027) == "operator test table"
    assert loaded.is_day_off(D(2027, 1, 4))  # a Monday off
    assert loaded.is_working_day(D(2027, 1, 9))  # a Saturday worked
    assert loaded.is_working_day(D(2027, 1, 5))
    assert loaded.period_end(D(2026, 12, 28), 5) == D(2027, 1, 5)  # Sat 2, Sun 3, Mon 4 off
    # The shipped calendar is not changed by it.
    with pytest.raises(UnknownYear):
        cal.is_working_day(D(2027, 1, 5))
    assert loaded.with_years([]).years == loaded.years
    assert cal.with_years([OPERATOR_2027]).years == (2024, 2025, 2026, 2027)


def test_operator_table_replaces_the_shipped_year():  # R-MTG-4
    correction = YearTable(
        year=2026,
        holidays=SHIPPED[2026].holidays | {D(2026, 3, 2)},
        workdays=SHIPPED[2026].workdays,
        source="operator correction",
    )
    corrected = cal.with_years({2026: correction})
    assert corrected.is_day_off(D(2026, 3, 2))
    assert corrected.source(2026) == "operator correction"
    assert corrected.source(2025) == cal.source(2025)
    assert cal.is_working_day(D(2026, 3, 2))


def test_a_table_must_be_consistent():
    with pytest.raises(ValueError):
        YearTable(year=2027, holidays=frozenset({D(2026, 12, 31)}), workdays=frozenset(), source="x")
    with pytest.raises(ValueError):
        YearTable(
            year=2027, holidays=frozenset({D(2027, 1, 2)}), workdays=frozenset({D(2027, 1, 2)}), source="x"
        )
    with pytest.raises(ValueError):
        ChineseCalendar({2028: OPERATOR_2027})


def test_weekend_against_make_up_saturday():  # R-MTG-4
    assert cal.is_day_off(D(2026, 2, 7))  # an ordinary Saturday
    assert cal.is_working_day(D(2026, 2, 14))  # make-up Saturday before Spring Festival
    assert cal.is_working_day(D(2026, 1, 4))  # make-up Sunday after New Year
    assert cal.is_day_off(D(2026, 2, 16))  # a Monday of Spring Festival
    assert cal.is_day_off(D(2026, 2, 15))  # a Sunday inside the holiday
    assert cal.is_working_day(D(2026, 2, 24))


def test_working_days_before_across_spring_festival_2026():
    """R-MTG-4: holiday 15-23 Feb 2026, make-up days Sat 14 and Sat 28 Feb."""
    # Tue 24 Feb: 23..15 are off, Sat 14 (make-up) is the first, Fri 13 the second, Thu 12 the third.
    assert cal.working_days_before(D(2026, 2, 24), 1) == D(2026, 2, 14)
    assert cal.working_days_before(D(2026, 2, 24), 3) == D(2026, 2, 12)
    # Wed 25 Feb: Tue 24, Sat 14, Fri 13.
    assert cal.working_days_before(D(2026, 2, 25), 3) == D(2026, 2, 13)
    # Mon 2 Mar: Sat 28 Feb (make-up), Fri 27, Thu 26.
    assert cal.working_days_before(D(2026, 3, 2), 3) == D(2026, 2, 26)
    # An ordinary week: Mon 9 Mar 2026 -> Fri 6, Thu 5, Wed 4.
    assert cal.working_days_before(D(2026, 3, 9), 3) == D(2026, 3, 4)


def test_period_end_moves_off_a_holiday_or_weekend():
    """R-MTG-8, Civil Code art. 201, 203."""
    # Start not counted: 5 days from Mon 2 Mar 2026 end on Sat 7 -> the next working day, Mon 9.
    assert cal.period_end(D(2026, 3, 2), 5) == D(2026, 3, 9)
    # A last day in Spring Festival: Tue 10 Feb + 5 = Sun 15 -> Tue 24 (15-23 off).
    assert cal.period_end(D(2026, 2, 10), 5) == D(2026, 2, 24)
    # A last day on a make-up Saturday stays: Mon 9 Feb + 5 = Sat 14 (worked).
    assert cal.period_end(D(2026, 2, 9), 5) == D(2026, 2, 14)
    # A last day on a working day stays: Wed 4 Mar + 5 = Mon 9; a Sunday moves: Tue 3 + 5 = Sun 8 -> Mon 9.
    assert cal.period_end(D(2026, 3, 4), 5) == D(2026, 3, 9)
    assert cal.period_end(D(2026, 3, 3), 5) == D(2026, 3, 9)
    # National Day 2025, 1-8 Oct: 10 days from 25 Sep end on 5 Oct -> Thu 9 Oct.
    assert cal.period_end(D(2025, 9, 25), 10) == D(2025, 10, 9)


def test_counts_must_be_positive():
    with pytest.raises(ValueError):
        cal.working_days_before(D(2026, 3, 9), 0)
    with pytest.raises(ValueError):
        cal.period_end(D(2026, 3, 9), 0)


@given(day=inner_days, n=st.integers(min_value=1, max_value=10))
def test_working_days_before_counts_exactly_n_working_days(day, n):
    """R-MTG-4: the result is a working day strictly before ``day``, and from it (included) up to
    ``day`` (excluded) there are exactly ``n`` working days (checked against chinese_calendar)."""
    found = cal.working_days_before(day, n)
    assert found < day
    assert chinese_calendar.is_workday(found)
    span = [found + dt.timedelta(days=i) for i in range((day - found).days)]
    assert sum(chinese_calendar.is_workday(d) for d in span) == n


@given(start=inner_days, days=st.integers(min_value=1, max_value=30))
def test_period_end_is_the_first_working_day_not_before_the_plain_end(start, days):
    """R-MTG-8: never shorter than ``days`` counted days (start not counted); a working day; every
    day between the plain end and it is a day off."""
    end = cal.period_end(start, days)
    plain = start + dt.timedelta(days=days)
    assert end >= plain
    assert chinese_calendar.is_workday(end)
    assert all(chinese_calendar.is_holiday(plain + dt.timedelta(days=i)) for i in range((end - plain).days))


# --- the calendar's yearly life: which year the operator must load, and when (R-MTG-4) ----------


def test_next_year_is_due_from_the_first_of_october():  # R-MTG-4
    held = {2026}
    assert years_due(D(2026, 9, 30), held) == []
    (due,) = years_due(D(2026, 10, 1), held)
    assert (due.year, due.reason, due.due_on) == (2027, NEXT_YEAR, D(2026, 12, 31))
    assert years_due(D(2026, 10, 1), {2026, 2027}) == []


def test_this_year_missing_is_due_today():  # R-MTG-4
    (due,) = years_due(D(2027, 1, 4), {2026})
    assert (due.year, due.reason, due.due_on) == (2027, THIS_YEAR, D(2027, 1, 4))


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)), st.sets(st.integers(1999, 2101)))
def test_years_due_names_exactly_the_missing_years_the_rule_asks_for(today, held):  # R-MTG-4
    due = {d.year: d for d in years_due(today, held)}
    assert set(due) <= {today.year, today.year + 1}
    assert (today.year in due) == (today.year not in held)
    assert (today.year + 1 in due) == (today.month >= 10 and today.year + 1 not in held)
    assert all(d.due_on >= today and d.due_on.year == today.year for d in due.values())
