"""The one natural sort key of buildings, units and rooms (issue 22 item 7).

Room numbers sort as numbers, not as text: 101 < 102 < 1001, "A2" < "A10", "2栋" < "10栋".
Lists are paginated in SQL, so the key is a string stored on the row (``Building.sort_key``,
``Flat.sort_key``) and compared by the database.

The key is made of ASCII digits only, so that every database collation orders it the same way
(PostgreSQL's locale collations ignore spaces and punctuation at their first level; digits compare
alike in all of them). Each part of a name becomes a token:

- a run of digits (any Unicode decimal digits, full-width included): ``"1"``, then the number of
  its digits (two digits, leading zeros dropped), then the digits. A longer number is a larger one,
  so equal lengths compare digit by digit: a natural order for numbers of any size;
- any other character: ``"2"``, then its code point in seven digits (case folded first).

Numbers sort before text (as natsort does). The parts of a flat (building, then room) are joined
by ``"0"``, lower than every token, so a building whose name is a prefix of another's sorts first
whatever the rooms are.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"(\d+)")
PART_SEPARATOR = "0"
# Longest key: every character of a part costs 8 digits (building 100, room 50, plus separator).
BUILDING_KEY_LENGTH = 100 * 8
FLAT_KEY_LENGTH = BUILDING_KEY_LENGTH + 1 + 50 * 8


def _number(run: str) -> str:
    digits = str(int(run))  # int() reads full-width digits too; leading zeros dropped
    if len(digits) > 99:
        digits = "9" * 99  # beyond any room number: all such numbers sort last, together
    return f"1{len(digits):02d}{digits}"


def natural_key(text: str) -> str:
    """The natural sort key of one name (a building, a unit or a room)."""
    out = []
    for i, chunk in enumerate(_DIGITS.split(" ".join((text or "").split()).casefold())):
        if i % 2:
            out.append(_number(chunk))
        else:
            out.extend(f"2{ord(c):07d}" for c in chunk)
    return "".join(out)


def flat_key(building: str, room: str) -> str:
    """The natural sort key of a flat: its building's, then its room's."""
    return natural_key(building) + PART_SEPARATOR + natural_key(room)
