"""The rules of objections to the result (R-TRUST-2, ``rules.objections``): who may raise which
kind, on both sides of each condition; the publicity's days and the answer's last day at their
boundaries."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ownervote.rules import objections as r

GROUNDS = "该户业主长期在国外居住。"


def test_r_trust_2_never_voted_and_wrong_choice_need_own_flat_and_a_ballot():
    for kind in (r.NEVER_VOTED, r.WRONG_CHOICE):
        assert r.raise_problem(kind, own_flat=True, ballot_recorded=True, text="") is None
        assert r.raise_problem(kind, own_flat=False, ballot_recorded=True, text="") == r.NOT_OWN_FLAT
        assert r.raise_problem(kind, own_flat=True, ballot_recorded=False, text="") == r.NO_BALLOT


def test_r_trust_2_doubt_other_needs_another_flat_a_ballot_and_grounds():
    ok = "x" * r.GROUNDS_MIN_CHARS
    short = "x" * (r.GROUNDS_MIN_CHARS - 1)
    assert r.raise_problem(r.DOUBT_OTHER, own_flat=False, ballot_recorded=True, text=ok) is None
    assert (
        r.raise_problem(r.DOUBT_OTHER, own_flat=False, ballot_recorded=True, text=short) == r.GROUNDS_REQUIRED
    )
    assert r.raise_problem(r.DOUBT_OTHER, own_flat=False, ballot_recorded=True, text=f"  {short}  ") == (
        r.GROUNDS_REQUIRED
    )
    assert r.raise_problem(r.DOUBT_OTHER, own_flat=True, ballot_recorded=True, text=GROUNDS) == r.OWN_FLAT
    assert r.raise_problem(r.DOUBT_OTHER, own_flat=False, ballot_recorded=False, text=GROUNDS) == r.NO_BALLOT


def test_r_trust_2_owners_never_raise_a_referral_or_an_unknown_kind():
    for kind in (r.REFERRED, "", "withdrawn"):
        assert r.raise_problem(kind, own_flat=True, ballot_recorded=True, text=GROUNDS) == r.UNKNOWN_KIND


days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2040, 12, 31))


@given(
    start=days,
    length=st.integers(min_value=10, max_value=60),
    offset=st.integers(min_value=-30, max_value=90),
)
def test_r_trust_2_publicity_includes_its_first_and_last_day(start, length, offset):
    end = start + dt.timedelta(days=length)
    today = start + dt.timedelta(days=offset)
    assert r.in_publicity(today, start, end) == (0 <= offset <= length)
    assert r.in_publicity(start, start, end) and r.in_publicity(end, start, end)
    assert not r.in_publicity(end + dt.timedelta(days=1), start, end)


@given(end=days, offset=st.integers(min_value=-30, max_value=30))
def test_r_trust_2_answer_by_the_last_day_overdue_from_the_next(end, offset):
    last = r.answer_by(end)
    assert last == end
    today = end + dt.timedelta(days=offset)
    assert r.may_answer(today, last) == (offset <= 0)
    assert r.overdue(today, last) == (offset > 0)
    assert r.may_answer(today, last) != r.overdue(today, last)
