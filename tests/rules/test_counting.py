"""R-ROSTER-3 and R-ROSTER-5: counting owners and area (SPC interpretation 法释〔2009〕7号 art. 8, 9;
art. 2 for parking spaces). No database."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ownervote.rules.counting import FlatFacts, owner_group, roster_totals


def flat(i, area, owners=(), developer=False, parking=False):
    return FlatFacts(
        flat_id=i, area=Decimal(area), owner_keys=frozenset(owners), developer=developer, parking=parking
    )


def test_one_exclusive_part_counts_as_one_owner():  # R-ROSTER-3
    t = roster_totals([flat(1, "89.50", {"a"}), flat(2, "90.00", {"b"})], parking_counts=False)
    assert (t.owners, t.area, t.flats) == (2, Decimal("179.50"), 2)


def test_co_owners_of_one_flat_count_once():  # R-ROSTER-3
    t = roster_totals([flat(1, "120.00", {"a", "b"})], parking_counts=False)
    assert t.owners == 1


def test_one_owner_with_two_flats_counts_once_with_both_areas():  # R-ROSTER-3
    t = roster_totals([flat(1, "95.25", {"a"}), flat(2, "60.00", {"a"})], parking_counts=False)
    assert (t.owners, t.area) == (1, Decimal("155.25"))


def test_different_sets_of_owners_are_different_owners():  # R-ROSTER-3 (SPEC R-TALLY-9: the same set)
    t = roster_totals([flat(1, "80", {"a"}), flat(2, "80", {"a", "b"})], parking_counts=False)
    assert t.owners == 2


def test_developer_unsold_parts_together_count_as_one():  # R-ROSTER-3
    flats = [flat(i, "100", {f"dev{i % 2}"}, developer=True) for i in range(30)] + [flat(99, "80", {"x"})]
    t = roster_totals(flats, parking_counts=False)
    assert t.owners == 2
    assert t.area == Decimal(3080)


def test_parking_spaces_count_only_when_the_rules_of_procedure_say_so():  # R-ROSTER-5
    flats = [flat(1, "90", {"a"}), flat(2, "12.5", {"b"}, parking=True)]
    off = roster_totals(flats, parking_counts=False)
    on = roster_totals(flats, parking_counts=True)
    assert (off.owners, off.area, off.flats, off.parking_counts) == (1, Decimal(90), 1, False)
    assert (on.owners, on.area, on.flats, on.parking_counts) == (2, Decimal("102.5"), 2, True)


def test_area_is_exact_to_the_square_centimetre():  # R-ROSTER-3, R-TALLY-5: decimals, never floats
    t = roster_totals([flat(i, "0.01", {str(i)}) for i in range(1, 11)], parking_counts=False)
    assert t.area == Decimal("0.10")
    assert isinstance(t.area, Decimal)


def test_owner_group_is_independent_of_owner_order():  # R-ROSTER-3
    assert owner_group(flat(1, "1", ["a", "b"])) == owner_group(flat(2, "1", ["b", "a"]))


# --- against an independent, deliberately naive implementation ---------------------------------


def naive_totals(flats, parking_counts):
    """Counts as a clerk would by hand: go through the flats, and for each ask whether an earlier
    counted flat had exactly the same owners (or both were the developer's)."""
    seen = []
    owners = 0
    area = Decimal(0)
    n = 0
    for f in flats:
        if f.parking and not parking_counts:
            continue
        n += 1
        area += f.area
        who = "DEV" if f.developer else (tuple(sorted(f.owner_keys)) or ("flat", f.flat_id))
        if who not in seen:
            seen.append(who)
            owners += 1
    return owners, area, n


areas = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)
flats_strategy = st.lists(
    st.builds(
        lambda i, area, owners, developer, parking: FlatFacts(
            flat_id=i,
            area=area,
            owner_keys=frozenset(owners),
            developer=developer and bool(owners),
            parking=parking,
        ),
        st.integers(1, 10**6),
        areas,
        st.sets(st.sampled_from("abcdefg"), min_size=0, max_size=3),
        st.booleans(),
        st.booleans(),
    ),
    max_size=60,
    unique_by=lambda f: f.flat_id,
)


@given(flats_strategy, st.booleans())
def test_totals_match_a_naive_count(flats, parking_counts):  # R-ROSTER-3, R-ROSTER-5
    t = roster_totals(flats, parking_counts=parking_counts)
    assert (t.owners, t.area, t.flats) == naive_totals(flats, parking_counts)


@given(flats_strategy)
def test_counting_parking_never_lowers_the_totals(flats):  # R-ROSTER-5
    off = roster_totals(flats, parking_counts=False)
    on = roster_totals(flats, parking_counts=True)
    assert on.area >= off.area and on.owners >= off.owners and on.flats >= off.flats


@given(flats_strategy)
def test_owners_never_exceed_flats(flats):  # R-ROSTER-3
    t = roster_totals(flats, parking_counts=True)
    assert t.owners <= t.flats
