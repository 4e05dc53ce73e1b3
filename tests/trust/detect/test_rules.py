"""R-TRUST-1: each signal's rule on both sides of its threshold, on plain facts (rules.trust)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ownervote.rules.trust import (
    Act,
    Thresholds,
    address_ballots,
    burst,
    invalid_values,
    onsite_late,
    proxy_concentration,
    shared,
)

T = Thresholds()
OPENS = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)


def acts(pairs, *, mobile="m", at=OPENS):
    """Acts for (flat, owner) pairs from one mobile."""
    return [Act("binding", i, at, flat=f, owner=o, mobile=mobile) for i, (f, o) in enumerate(pairs)]


@given(flats=st.integers(1, 8), owners=st.integers(1, 8))
def test_shared_mobile_fires_exactly_from_three_flats_of_three_owners_r_trust_1(flats, owners):
    """R-TRUST-1: a mobile binding n flats of m owners (each owner at least one flat) is a signal
    exactly when n >= 3 and m >= 3."""
    owners = min(owners, flats)
    pairs = [(f, f % owners) for f in range(flats)]
    found = shared(acts(pairs), lambda a: a.mobile, T)
    assert bool(found) == (flats >= 3 and owners >= 3)
    if found:
        assert found[0].measure == {"flats": flats, "owners": owners, "threshold": {"flats": 3, "owners": 3}}


def test_a_family_of_four_sharing_one_mobile_is_not_a_signal_r_trust_1():
    """R-TRUST-1: four co-owners of one flat (or two flats) binding from one phone: 1 or 2 flats."""
    assert shared(acts([(1, o) for o in range(4)]), lambda a: a.mobile, T) == []
    assert shared(acts([(f, o) for f in (1, 2) for o in range(4)]), lambda a: a.mobile, T) == []


def test_one_owner_with_many_flats_is_not_a_signal_r_trust_1():
    assert shared(acts([(f, 1) for f in range(6)]), lambda a: a.mobile, T) == []


def test_acts_without_a_mobile_are_never_grouped_r_trust_1():
    assert shared(acts([(f, f) for f in range(6)], mobile=""), lambda a: a.mobile, T) == []


def _spread(n, start, end):
    """n acts spread over [start, end)."""
    step = (end - start) / max(n, 1)
    return [start + step * i for i in range(n)]


@given(recent=st.integers(0, 30), usual=st.integers(0, 400))
def test_burst_needs_ten_and_three_times_the_usual_rate_r_trust_1(recent, usual):
    """R-TRUST-1: bindings in the 7 days before voting opens are a burst when there are at least
    10 and their daily rate is at least 3 x the rate of the 60 days before."""
    week = OPENS - dt.timedelta(days=7)
    times = _spread(recent, week, OPENS) + _spread(usual, week - dt.timedelta(days=60), week)
    found = burst([Act("binding", i, at) for i, at in enumerate(times)], OPENS, T)
    expected = recent >= 10 and recent * 60 >= 3 * usual * 7
    assert (found is not None) == expected
    if found:
        assert found.measure["recent"] == recent and found.measure["usual"] == usual


def test_burst_boundaries_r_trust_1():
    """Nine is not ten; ten in a week where 60 days gave 28 (0.47/day x 3 = 1.4 <= 10/7) fires, 29 not."""
    week = OPENS - dt.timedelta(days=7)
    base = week - dt.timedelta(days=60)

    def run(recent, usual):
        times = _spread(recent, week, OPENS) + _spread(usual, base, week)
        return burst([Act("binding", i, at) for i, at in enumerate(times)], OPENS, T)

    assert run(9, 0) is None  # a quiet estate's small burst
    assert run(10, 0) is not None
    assert run(10, 28) is not None  # 10 x 60 = 600 >= 3 x 28 x 7 = 588
    assert run(10, 29) is None  # 600 < 609: the estate's usual pace


@given(late=st.integers(0, 25), early=st.integers(0, 25))
def test_onsite_late_needs_ten_and_sixty_percent_r_trust_1(late, early):
    """R-TRUST-1: one checker's on-site verifications: >= 10 in the last 3 days and >= 60 % of theirs."""
    last = OPENS - dt.timedelta(days=3)
    times = _spread(late, last, OPENS) + _spread(early, OPENS - dt.timedelta(days=60), last)
    found = onsite_late([Act("verification", i, at, checker=7) for i, at in enumerate(times)], OPENS, T)
    assert bool(found) == (late >= 10 and late * 100 >= 60 * (late + early))


def test_onsite_late_is_per_checker_r_trust_1():
    last = OPENS - dt.timedelta(hours=1)
    mixed = [Act("verification", i, last, checker=i % 2) for i in range(18)]  # 9 each
    assert onsite_late(mixed, OPENS, T) == []
    assert len(onsite_late([Act("verification", i, last, checker=1) for i in range(10)], OPENS, T)) == 1


@given(owners=st.integers(1, 6), extra=st.integers(0, 4))
def test_proxy_concentration_from_four_flats_of_three_owners_r_trust_1(owners, extra):
    """R-TRUST-1: one holder's proxies for >= 4 flats of >= 3 owners (one flat each, ``extra`` more)."""
    proxies = [Act("proxy", o, OPENS, owner=o, holder="h", flats=(o * 10,)) for o in range(owners)]
    proxies[0] = Act(
        "proxy", 0, OPENS, owner=0, holder="h", flats=tuple(range(0, 0 + 1 + extra)) if extra else (0,)
    )
    flats = owners + extra
    found = proxy_concentration(proxies, T)
    assert bool(found) == (flats >= 4 and owners >= 3)


def test_three_owners_one_flat_each_is_the_legal_limit_not_a_signal_r_trust_1():
    proxies = [Act("proxy", o, OPENS, owner=o, holder="h", flats=(o,)) for o in range(3)]
    assert proxy_concentration(proxies, T) == []


@given(n=st.integers(1, 9), gap=st.integers(0, 200))
def test_address_ballots_five_owners_within_ten_minutes_r_trust_1(n, gap):
    """R-TRUST-1: n ballots of different owners from one address, ``gap`` seconds apart: a signal
    when some 10 minutes hold 5 of them."""
    ballots = [
        Act("ballot", i, OPENS + dt.timedelta(seconds=gap * i), owner=i, address="a") for i in range(n)
    ]
    found = address_ballots(ballots, T)
    assert bool(found) == (n >= 5 and gap * 4 <= 600)


def test_address_ballots_of_one_owner_count_once_r_trust_1():
    ballots = [Act("ballot", i, OPENS, owner=1, address="a") for i in range(8)]
    assert address_ballots(ballots, T) == []


def test_thresholds_overridden_and_validated_r_trust_1():
    assert Thresholds().overridden({"shared_flats": 5, "burst_min": None}).shared_flats == 5
    assert Thresholds().overridden({"burst_min": None}).burst_min == 10
    assert invalid_values({"shared_flats": 0, "onsite_share": 101, "nope": 1, "burst_min": "x"}) == {
        "shared_flats": "below_one",
        "onsite_share": "above_hundred",
        "nope": "unknown",
        "burst_min": "not_integer",
    }
    assert invalid_values({"onsite_share": 100, "shared_flats": 1, "burst_days": None}) == {}
    assert invalid_values({"burst_min": 100_000}) == {}
    assert invalid_values({"burst_min": 100_001}) == {"burst_min": "too_large"}


@given(
    flats=st.integers(1, 8), owners=st.integers(1, 8), t_flats=st.integers(1, 8), t_owners=st.integers(1, 8)
)
def test_shared_follows_the_citys_thresholds_r_trust_1(flats, owners, t_flats, t_owners):
    """R-TRUST-1: whatever the city sets, a signal exactly at or over both thresholds."""
    owners = min(owners, flats)
    t = Thresholds(shared_flats=t_flats, shared_owners=t_owners)
    found = shared(acts([(f, f % owners) for f in range(flats)]), lambda a: a.device or a.mobile, t)
    assert bool(found) == (flats >= t_flats and owners >= t_owners)


@given(
    n=st.integers(1, 8), minutes=st.integers(1, 30), t_ballots=st.integers(1, 8), t_minutes=st.integers(1, 30)
)
def test_address_follows_the_citys_thresholds_r_trust_1(n, minutes, t_ballots, t_minutes):
    """R-TRUST-1: n owners' ballots spread evenly over ``minutes``: a signal when the city's
    window holds its number of them (all n fit when the spread is within the window)."""
    step = dt.timedelta(seconds=minutes * 60 // max(n - 1, 1))  # whole seconds: the span <= minutes
    ballots = [Act("ballot", i, OPENS + step * i, owner=i, address="a") for i in range(n)]
    t = Thresholds(address_ballots=t_ballots, address_minutes=t_minutes)
    found = address_ballots(ballots, t)
    if minutes <= t_minutes:
        assert bool(found) == (n >= t_ballots)
    elif n < t_ballots:
        assert not found
