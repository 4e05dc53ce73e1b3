"""Items for part of the estate (R-MTG-9) in the pure counting rules: a scoped item is decided over
its scope's flats alone, with totals counted within the scope as R-ROSTER-3 counts them (one owner
with several flats in it once, the developer's unsold flats in it as one), and an estate-wide item
is counted exactly as before (R-TALLY-1..9). Held against a brute-force recount over the scope with
the independent naive count (tests/rules/naive_tally.py). No database."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownervote.rules import counting, tally
from tests.rules.test_tally import expected_from_naive, meetings, naive_of, parsed_from_json

D = Decimal
Q = tally.QUESTION


def _b(flat, owner, area, **answers):
    return tally.FlatBallot(
        flat=flat, owner=owner, area=D(area), answers={int(k[1:]): v for k, v in answers.items()}
    )


ROLL = [  # flat, area, counted owner: building 3 is f1..f3, building 5 is f4..f6
    ("f1", D("100"), "alice"),
    ("f2", D("80"), "alice"),  # alice holds two flats of building 3 and one of building 5
    ("f3", D("120"), "developer"),
    ("f4", D("90"), "alice"),
    ("f5", D("110"), "bob"),
    ("f6", D("100"), "developer"),
]


def _scoped(item_id, flats, category=7):
    area, owners, n = counting.scope_totals(ROLL, flats)
    return tally.ItemSpec(
        id=item_id,
        kind=Q,
        category=category,
        scope=frozenset(flats),
        scope_totals=tally.Totals(area=area, owners=owners, flats=n),
    )


def test_scope_totals_count_owners_within_the_scope_only():  # R-MTG-9, R-ROSTER-3
    # building 3: alice's two flats count once, the developer's unsold flat as one owner
    assert counting.scope_totals(ROLL, {"f1", "f2", "f3"}) == (D("300"), 2, 3)
    # building 5: alice counts here too (her flat f4 is in it), the developer's f6 as one
    assert counting.scope_totals(ROLL, {"f4", "f5", "f6"}) == (D("300"), 3, 3)
    # a flat of the scope missing from the roll (an uncounted parking space) is left out
    assert counting.scope_totals(ROLL, {"f5", "p9"}) == (D("110"), 1, 1)


def test_a_scoped_item_is_decided_over_its_scope_and_an_estate_item_over_the_estate():  # R-MTG-9
    estate = tally.Totals(area=D("600"), owners=3, flats=6)
    items = [tally.ItemSpec(id=1, kind=Q, category=9), _scoped(2, {"f1", "f2", "f3"})]
    ballots = [
        _b("f1", "alice", "100", i1="yes", i2="yes"),
        _b("f2", "alice", "80", i1="yes", i2="yes"),
        _b("f3", "developer", "120", i1="no", i2="yes"),
        _b("f5", "bob", "110", i1="yes", i2="no"),  # out of scope: its mark for item 2 is ignored
    ]
    result = tally.tally(estate, items, ballots)
    whole, lift = result.items
    assert whole.participating == tally.Share(D("410"), 3) and whole.scope_totals is None
    assert lift.scope_totals == tally.Totals(area=D("300"), owners=2, flats=3)
    assert lift.participating == tally.Share(D("300"), 2)  # alice once, the developer once
    assert lift.answers[tally.YES] == tally.Share(D("300"), 2)
    assert lift.quorum and lift.passed  # 3/4 of the scope, although bob said no
    js = tally.to_json(result)
    assert "scope_totals" not in js["items"][0]
    assert js["items"][1]["scope_totals"] == {"area": "300", "owners": 2, "flats": 3}
    assert js["items"][1]["participating"]["area_of_total"] == "1/1"


def test_a_scope_nobody_voted_in_has_no_quorum_and_no_error():  # R-MTG-9, R-TALLY-2, R-TALLY-5
    estate = tally.Totals(area=D("600"), owners=3, flats=6)
    result = tally.tally(estate, [_scoped(1, {"f4", "f5", "f6"})], [_b("f1", "alice", "100", i1="yes")])
    (item,) = result.items
    assert item.participating == tally.ZERO and not item.quorum and item.passed is False
    assert tally.to_json(result)["items"][0]["participating"]["area_of_total"] == "0/1"


def test_follow_majority_in_a_scope_deems_only_the_scopes_non_voters():  # R-MTG-9, R-TALLY-7
    estate = tally.Totals(area=D("600"), owners=3, flats=6)
    item = _scoped(1, {"f4", "f5", "f6"}, category=9)
    result = tally.tally(estate, [item], [_b("f5", "bob", "110", i1="yes")], follow_majority=True)
    (r,) = result.items
    assert r.nonvoters == tally.Share(D("190"), 2)  # alice's f4 and the developer's f6, not the estate
    assert r.followed == tally.YES and r.participating == tally.Share(D("300"), 3)


@st.composite
def scoped_meetings(draw):
    """A random meeting whose items each may get a random, non-empty scope over a random roll (the voters'
    flats and some that did not vote, owners shared between them)."""
    t, items, ballots = draw(meetings())
    roll = {b.flat: (b.area, b.owner) for b in ballots}
    owners = [*sorted({b.owner for b in ballots}), "developer", "x-owner"]
    for k in range(draw(st.integers(0, 8))):
        roll[f"n{k}"] = (D(draw(st.integers(1, 30000))) / 100, draw(st.sampled_from(owners)))
    flats = sorted(roll)
    scoped = []
    for item in items:
        if flats and draw(st.booleans()):
            scope = frozenset(
                draw(st.lists(st.sampled_from(flats), unique=True, min_size=1, max_size=len(flats)))
            )
            rows = [(f, roll[f][0], roll[f][1]) for f in flats]
            area, n_owners, n = counting.scope_totals(rows, scope)
            item = tally.ItemSpec(
                id=item.id,
                kind=item.kind,
                category=item.category,
                seats=item.seats,
                candidates=item.candidates,
                scope=scope,
                scope_totals=tally.Totals(area=area, owners=n_owners, flats=n),
            )
        scoped.append(item)
    return t, scoped, ballots, roll


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scoped_meetings(), st.booleans())
def test_each_item_equals_a_brute_force_recount_over_its_scope(meeting, follow):  # R-MTG-9, R-TALLY-5
    t, items, ballots, roll = meeting
    got = tally.to_json(tally.tally(t, items, ballots, follow_majority=follow))
    for item, row in zip(items, got["items"], strict=True):
        if item.scope is None:
            # estate-wide: exactly what the item gives in a meeting without scopes
            plain = tally.to_json(tally.tally(t, [item], ballots, follow_majority=follow))["items"][0]
            assert row == plain
            continue
        inside = [f for f in roll if f in item.scope]
        brute = (sum((roll[f][0] for f in inside), D(0)), len({roll[f][1] for f in inside}), len(inside))
        assert row["scope_totals"] == {
            "area": tally.area_text(brute[0]),
            "owners": brute[1],
            "flats": brute[2],
        }
        scope_totals = tally.Totals(area=brute[0], owners=brute[1], flats=brute[2])
        plain_item = tally.ItemSpec(item.id, item.kind, item.category, item.seats, item.candidates)
        mine = [b for b in ballots if b.flat in item.scope]
        want = expected_from_naive(naive_of(scope_totals, [plain_item], mine, follow))["items"][0]
        assert parsed_from_json({**got, "items": [row]})["items"][0] == want


@settings(max_examples=150, deadline=None)
@given(meetings(), st.booleans())
def test_a_meeting_without_scopes_reads_exactly_as_before(meeting, follow):  # R-MTG-9, R-TALLY-1..9
    t, items, ballots = meeting
    js = tally.to_json(tally.tally(t, items, ballots, follow_majority=follow))
    assert all("scope_totals" not in r for r in js["items"])
    want = expected_from_naive(naive_of(t, items, ballots, follow))
    assert parsed_from_json(js) == want
