"""The one natural sort key of buildings and rooms (core.sorting, issue 22 item 7): numbers sort
as numbers, whatever the text around them, and the key is a string a database orders alike under
every collation (ASCII digits only). R-ROSTER-4: the roster's lists and exports use it."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from ownervote.core.sorting import flat_key, natural_key

# Names as rosters write them: digits, Latin letters, a few CJK characters and separators.
NAME = st.text(alphabet=st.sampled_from("0123456789０１９AaBbZz栋座单元号楼-# "), max_size=12)


def reference(text: str) -> tuple:
    """The order the key must give: digit runs as integers, other characters case folded."""
    parts = re.split(r"(\d+)", " ".join(text.split()).casefold())
    out = []
    for i, p in enumerate(parts):
        if i % 2:
            out.append((0, int(p), ""))
        else:
            out.extend((1, 0, c) for c in p)
    return tuple(out)


def test_rooms_sort_as_numbers():
    rooms = ["1101", "101", "1001", "2", "10", "104", "1006", "1"]
    assert sorted(rooms, key=natural_key) == ["1", "2", "10", "101", "104", "1001", "1006", "1101"]


def test_letters_and_chinese_around_numbers():
    assert sorted(["A10", "A2", "B1", "A1"], key=natural_key) == ["A1", "A2", "A10", "B1"]
    assert sorted(["10栋", "2栋", "1栋", "1栋2单元", "1栋10单元"], key=natural_key) == [
        "1栋",
        "1栋2单元",
        "1栋10单元",
        "2栋",
        "10栋",
    ]
    # Full-width digits are numbers too; case does not matter.
    assert natural_key("１０１") == natural_key("101")
    assert natural_key("a2") == natural_key("A2")


def test_a_flat_sorts_by_building_first_then_room():
    flats = [("10栋", "101"), ("2栋", "1001"), ("2栋", "101"), ("1栋", "1101"), ("A", "B1"), ("AB", "1")]
    assert sorted(flats, key=lambda f: flat_key(*f)) == [
        ("1栋", "1101"),
        ("2栋", "101"),
        ("2栋", "1001"),
        ("10栋", "101"),
        ("A", "B1"),  # a building whose name is a prefix of another's comes first, whatever the rooms
        ("AB", "1"),
    ]


@given(st.integers(min_value=0, max_value=10**30), st.integers(min_value=0, max_value=10**30), NAME)
def test_numbers_compare_as_integers_after_any_prefix(a, b, prefix):
    if a < b:
        assert natural_key(f"{prefix}{a}") < natural_key(f"{prefix}{b}")
        assert natural_key(f"{a}栋") < natural_key(f"{b}栋")


@given(NAME, NAME)
def test_the_key_orders_as_the_reference_and_is_plain_digits(x, y):
    kx, ky = natural_key(x), natural_key(y)
    assert kx.isascii() and (kx == "" or kx.isdigit())
    if reference(x) < reference(y):
        assert kx < ky
    elif reference(x) == reference(y):
        assert kx == ky


@given(NAME, NAME, NAME, NAME)
def test_flats_order_by_building_then_room(b1, r1, b2, r2):
    k1, k2 = flat_key(b1, r1), flat_key(b2, r2)
    if reference(b1) != reference(b2):
        assert (k1 < k2) == (reference(b1) < reference(b2))
    elif reference(r1) != reference(r2):
        assert (k1 < k2) == (reference(r1) < reference(r2))
