"""Who may cast a flat's electronic ballot now: the pure decision (rules/eligibility.py)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ownervote.rules import eligibility as rules

T0 = dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)
OK = rules.FlatFacts(on_roll=True, voted=False, mode="electronic")

facts = st.builds(
    rules.FlatFacts,
    on_roll=st.booleans(),
    voted=st.booleans(),
    mode=st.sampled_from(["electronic", "paper_only", ""]),
    binding_active=st.booleans(),
    staff=st.booleans(),
    staff_in_force=st.booleans(),
    representative=st.one_of(st.none(), st.sampled_from([1, 2])),
    proxy_active=st.booleans(),
    proxy_confirmed=st.booleans(),
    paper_meeting=st.booleans(),
)
states = st.sampled_from([rules.OPEN, rules.BEFORE, rules.AFTER])


@given(
    opens=st.integers(-1000, 1000),
    length=st.integers(1, 1000),
    at=st.integers(-3000, 3000),
    status=st.sampled_from(["published", "voting", "closed", "cancelled"]),
)
def test_window(opens, length, at, status):  # R-VOTE-1
    o = T0 + dt.timedelta(minutes=opens)
    c = o + dt.timedelta(minutes=length)
    moment = T0 + dt.timedelta(minutes=at)
    got = rules.window(status=status, opens_at=o, closes_at=c, at=moment)
    assert (got == rules.OPEN) == (status == "voting" and o <= moment < c)
    if moment >= c:
        assert got == rules.AFTER


def test_plain_owner_votes():  # R-VOTE-1
    assert rules.decide(voter_id=1, facts=OK, state=rules.OPEN) == rules.Decision(True, "", "owner")


@given(f=facts, state=states, voter=st.sampled_from([1, 2]), by_proxy=st.booleans())
def test_decision_is_allowed_only_when_every_condition_holds(f, state, voter, by_proxy):
    # R-VOTE-1 R-VOTE-4 R-VOTE-6 R-VOTE-8 R-VOTE-9
    d = rules.decide(voter_id=voter, facts=f, state=state, by_proxy=by_proxy)
    allowed = (
        f.on_roll
        and not f.voted
        and state == rules.OPEN
        and f.mode == "electronic"
        and f.binding_active
        and not f.paper_meeting
        and (not f.staff or f.staff_in_force)
        and (by_proxy or not f.proxy_active)
        and (not by_proxy or f.proxy_confirmed)  # R-VOTE-6: the proxy accepted it (art. 20)
        and (f.representative is None or f.representative == voter)
    )
    assert d.can_vote == allowed
    assert (d.code == "") == allowed
    assert d.code in ("", *rules.CODES)
    if by_proxy:
        assert d.via == "proxy"
    if f.on_roll and f.voted:
        assert d.code == rules.ALREADY_VOTED  # said first: when, never how


def test_refusal_codes():  # R-VOTE-4 R-VOTE-6 R-VOTE-8 R-VOTE-9
    def code(state=rules.OPEN, voter=1, by_proxy=False, **kw):
        return rules.decide(
            voter_id=voter, facts=rules.FlatFacts(**{**OK.__dict__, **kw}), state=state, by_proxy=by_proxy
        ).code

    assert code(on_roll=False) == rules.NOT_ON_ROLL
    assert code(voted=True) == rules.ALREADY_VOTED
    assert code(state=rules.AFTER) == rules.CLOSED
    assert code(state=rules.BEFORE) == rules.NOT_OPEN
    assert code(mode="") == rules.NOT_ELIGIBLE
    assert code(binding_active=False) == rules.NOT_ELIGIBLE
    assert code(mode="paper_only") == rules.PAPER_ONLY
    assert code(paper_meeting=True) == rules.PAPER_ONLY
    assert code(staff=True, staff_in_force=False) == rules.AUTHORISATION_ENDED
    assert code(proxy_active=True) == rules.PROXY_GRANTED
    assert code(proxy_active=True, by_proxy=True) == ""
    assert code(by_proxy=True, proxy_confirmed=False) == rules.PROXY_UNCONFIRMED  # R-VOTE-6
    assert code(proxy_confirmed=False) == ""  # only the proxy needs to have accepted
    assert code(representative=2) == rules.REPRESENTATIVE
    assert (
        rules.decide(
            voter_id=2, facts=rules.FlatFacts(**{**OK.__dict__, "representative": 2}), state=rules.OPEN
        ).via
        == "representative"
    )
    assert (
        rules.decide(
            voter_id=1, facts=rules.FlatFacts(**{**OK.__dict__, "staff": True}), state=rules.OPEN
        ).via
        == "staff"
    )


@given(st.dictionaries(st.integers(1, 30), st.sampled_from(["a", "b", "c"]), min_size=1), st.data())
def test_groups_go_together(votable, data):  # R-TALLY-9
    submitted = data.draw(st.sets(st.sampled_from(sorted(votable)), min_size=1))
    missing = rules.missing_from_groups(submitted, votable)
    groups = rules.groups_of(submitted, votable)
    assert missing == {f for f, g in votable.items() if g in groups} - submitted
    # adding what is missing completes the submission
    assert rules.missing_from_groups(submitted | missing, votable) == set()


@given(
    start=st.integers(-10, 10),
    until=st.one_of(st.none(), st.integers(-10, 10)),
    revoked=st.booleans(),
)
def test_staff_in_force(start, until, revoked):  # R-VOTE-9
    today = dt.date(2026, 5, 1)
    valid_from = today + dt.timedelta(days=start)
    valid_until = None if until is None else today + dt.timedelta(days=until)
    got = rules.staff_in_force(valid_from=valid_from, valid_until=valid_until, revoked=revoked, today=today)
    assert got == (not revoked and start <= 0 and (until is None or until >= 0))


# --- a co-owned flat: whose proxy blocks whom (R-VOTE-8) ----------------------------------------


@given(
    co_owners=st.integers(1, 4),
    gave=st.sets(st.integers(1, 4)),
    accepted=st.sets(st.integers(1, 4)),
    representative=st.one_of(st.none(), st.integers(1, 4)),
)
def test_r_vote_8_a_co_owners_proxy_acts_for_that_co_owner_only(co_owners, gave, accepted, representative):
    """The facts as the cast service builds them for each co-owner of one flat: ``proxy_active``
    for a co-owner in person only when that co-owner gave the proxy. Without a representative every
    co-owner who gave no proxy votes in person and every proxy votes for its giver (the first
    completed ballot counts); with one, only the representative or the representative's proxy. A
    proxy not yet accepted (R-VOTE-6, art. 20) cannot vote, and its giver still votes in person."""
    owners = set(range(1, co_owners + 1))
    gave = gave & owners
    accepted = accepted & gave
    rep = representative if representative in owners else None
    allowed = set()
    for owner in owners:
        in_person = rules.decide(
            voter_id=owner,
            facts=rules.FlatFacts(
                on_roll=True,
                voted=False,
                mode="electronic",
                representative=rep,
                proxy_active=owner in accepted,  # as the cast service reads it: accepted proxies only
            ),
            state=rules.OPEN,
        )
        if in_person.can_vote:
            allowed.add(("owner", owner))
        if owner in gave:
            by_proxy = rules.decide(
                voter_id=owner,
                facts=rules.FlatFacts(
                    on_roll=True,
                    voted=False,
                    mode="electronic",
                    representative=rep,
                    proxy_confirmed=owner in accepted,
                ),
                state=rules.OPEN,
                by_proxy=True,
            )
            if by_proxy.can_vote:
                allowed.add(("proxy", owner))
    voters = {rep} if rep is not None else owners
    expected = {("proxy", o) if o in accepted else ("owner", o) for o in voters}
    assert allowed == expected
    assert allowed  # a proxy never leaves the flat without someone who may vote it
