"""The demo's own holiday calendar for a year no State Council notice covers yet (R-MTG-4).

The system refuses a meeting whose dates need a year the calendar lacks, and the demo's story runs
from months ago to weeks ahead. On a day when that reaches a year neither shipped nor loaded
(e.g. in December, before the next year's notice is entered), the demo loads a provisional year,
as the city operator, through the same service an operator uses, with a source that says on every
page citing it that it is the demo's, not the State Council's: New Year's Day, Labour Day and
National Day on their fixed dates, no lunar holidays, no make-up working days. The operator may
replace it with the real notice at any time (Holiday calendar in the console).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings import services as meetings


def provisional_days_off(year: int) -> list[dt.date]:
    """元旦 1 January, 劳动节 1-5 May, 国庆节 1-7 October: the fixed-date statutory days off."""
    days = [dt.date(year, 1, 1)]
    days += [dt.date(year, 5, d) for d in range(1, 6)]
    days += [dt.date(year, 10, d) for d in range(1, 8)]
    return days


def provisional_source(year: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(
            "Provisional calendar of the demo for %(year)d, not a State Council notice: only the fixed "
            "holidays (New Year's Day, Labour Day, National Day), no lunar holidays or make-up working days. "
            "For demonstration only; the city operator replaces it with the year's notice."
        ) % {"year": year}


def missing_years(first: dt.date, last: dt.date) -> list[int]:
    """The years from ``first`` to ``last`` the calendar holds neither shipped nor loaded."""
    held = set(meeting_selectors.calendar().years)
    return [y for y in range(first.year, last.year + 1) if y not in held]


def load_provisional(*, actor, years: list[int]) -> None:
    for year in years:
        meetings.calendar_year_save(
            actor=actor,
            year=year,
            holidays=provisional_days_off(year),
            workdays=[],
            source=provisional_source(year),
        )
