"""R-SEC-7: the retention periods' arithmetic (rules/retention.py): a record expires exactly at
the end of its period, and the job's cutoff selects exactly the expired records, across leap days."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ownervote.rules.retention import RULES, Period, add_years, cutoff, expires_at

UTC8 = dt.timezone(dt.timedelta(hours=8))
moments = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2090, 12, 31)).map(
    lambda t: t.replace(tzinfo=UTC8)
)
periods = st.one_of(
    st.sampled_from([r.period for r in RULES.values()]),
    st.builds(Period, st.integers(0, 8), st.integers(0, 800)),
)
US = dt.timedelta(microseconds=1)


@given(now=moments, period=periods)
def test_r_sec_7_the_cutoff_is_the_last_expired_moment(now, period):
    """R-SEC-7: ``cutoff(now)`` has expired by ``now``; the moment after it has not."""
    c = cutoff(now, period)
    assert expires_at(c, period) <= now
    assert expires_at(c + US, period) > now


@given(t=moments, period=periods, delta=st.integers(-(10**12), 10**12))
def test_r_sec_7_selected_exactly_when_expired(t, period, delta):
    """R-SEC-7: the job's selection (``t <= cutoff(now)``) is the expiry (``expires_at(t) <= now``)."""
    now = expires_at(t, period) + dt.timedelta(microseconds=delta)
    assert (t <= cutoff(now, period)) == (expires_at(t, period) <= now)


@given(t=moments, u=moments, years=st.integers(0, 8))
def test_r_sec_7_a_later_record_never_expires_first(t, u, years):
    """R-SEC-7: moving by whole years keeps the order (29 February becomes 1 March)."""
    if t <= u:
        assert add_years(t, years) <= add_years(u, years)


def test_r_sec_7_expiry_at_the_period_end_and_on_leap_days():
    """R-SEC-7: three years from 1 March 2027 10:00 ends at 1 March 2030 10:00 to the microsecond;
    from 29 February 2028 it ends as 28 February 2031 ends, 1 March 00:00 (Civil Code art. 202, 203)."""
    three = Period(years=3)
    start = dt.datetime(2027, 3, 1, 10, tzinfo=UTC8)
    assert expires_at(start, three) == dt.datetime(2030, 3, 1, 10, tzinfo=UTC8)
    assert cutoff(dt.datetime(2030, 3, 1, 10, tzinfo=UTC8), three) == start
    leap = dt.datetime(2028, 2, 29, 9, tzinfo=UTC8)
    assert expires_at(leap, three) == dt.datetime(2031, 3, 1, tzinfo=UTC8)  # at the end of 28 February
    # a record of 29 February 23:00 never outlives one of 1 March 00:30 (CI once found the opposite)
    late, early = dt.datetime(2000, 2, 29, 23, tzinfo=UTC8), dt.datetime(2000, 3, 1, 0, 30, tzinfo=UTC8)
    assert expires_at(late, three) <= expires_at(early, three)
    assert expires_at(leap, Period(years=4)) == dt.datetime(2032, 2, 29, 9, tzinfo=UTC8)
    assert cutoff(dt.datetime(2032, 2, 29, 12, tzinfo=UTC8), Period(years=1)) == dt.datetime(
        2031, 2, 28, 23, 59, 59, 999999, tzinfo=UTC8
    )
    assert expires_at(start, Period(days=180)) == start + dt.timedelta(days=180)
