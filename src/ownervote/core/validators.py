"""Identity numbers of mainland China, checked by their own check digits; and the range of years a
date typed into this system may fall in."""

from __future__ import annotations

import datetime as dt
import re

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# GB 32100-2015 unified social credit code.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def resident_id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_resident_id(value: str) -> bool:
    """GB 11643-1999: 18 characters, a real birth date, and the ISO 7064 MOD 11-2 check digit."""
    value = normalise_id_number(value)
    if not _ID_RE.match(value):
        return False
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born.year < 1880 or born > dt.date.today():
        return False
    return resident_id_check_digit(value[:17]) == value[17]


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def is_valid_uscc(value: str) -> bool:
    value = normalise_id_number(value)
    if len(value) != 18 or any(c not in _USCC_CHARS for c in value):
        return False
    return uscc_check_char(value[:17]) == value[17]


def normalise_mobile(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    return value


def is_valid_mobile(value: str) -> bool:
    return bool(MOBILE_RE.match(normalise_mobile(value)))


# Every date a person gives this system (a meeting, a publicity, a proxy's term, a paper ballot's
# date) is in this century. Python's dates end in years 1 and 9999: a date near either end
# overflows as soon as a period is added or it is converted to another time zone. Forms refuse a
# date outside these years next to its field (``core.forms.PlausibleDateField``); services that
# parse a date themselves take it as no date at all.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2099


def is_plausible_year(year: int) -> bool:
    return EARLIEST_YEAR <= year <= LATEST_YEAR
