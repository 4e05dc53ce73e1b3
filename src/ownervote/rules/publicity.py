"""Publicity periods (公示期) of the binding list (R-BIND-3). Pure Python: no Django.

Rules for electronic voting in property management of Shenzhen (《深圳市物业管理电子投票规则》):
art. 14 - the convener publishes the binding list to all owners "至少10日"; art. 29 - "公示" means
posting in the estate and on the platform "时间不少于10日"; art. 15 - owners may object in writing
during the publicity.

How days are counted: as Chinese law counts periods (Civil Code art. 201, "按照年、月、日计算期间的，
开始的当日不计入，自下一日开始计算"), the day a period starts on is not counted; counting starts the
next day, and the last day runs to 24:00 (art. 203). So a publicity starting on day D has
``(ends_on - starts_on).days`` days, and a 10-day publicity starting on D ends no earlier than
D + 10: starting 1 March, it may end on 11 March at the earliest, not on 10 March.

A publicity is *running* on every day from ``starts_on`` to ``ends_on``, both included: an owner
may object on the day it is posted and until the end of its last day.
"""

from __future__ import annotations

import datetime as dt

PUBLICITY_MIN_DAYS = 10  # art. 14 "至少10日", art. 29 "不少于10日"

# Stable codes returned by publicity_problems(); callers map them to messages.
STARTS_IN_PAST = "starts_in_past"
ENDS_BEFORE_START = "ends_before_start"
TOO_SHORT = "too_short"


def counted_days(starts_on: dt.date, ends_on: dt.date) -> int:
    """The days a period from ``starts_on`` to ``ends_on`` lasts, the first day not counted
    (Civil Code art. 201). Negative when it ends before it starts."""
    return (ends_on - starts_on).days


def earliest_end(starts_on: dt.date, days: int = PUBLICITY_MIN_DAYS) -> dt.date:
    """The first day a publicity of at least ``days`` days starting on ``starts_on`` may end on."""
    return starts_on + dt.timedelta(days=days)


def publicity_problems(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> list[str]:
    """What is wrong with publishing from ``starts_on`` to ``ends_on`` when it is ``today``:
    an empty list when nothing is. Codes: ``starts_in_past`` (a publicity cannot be backdated),
    ``ends_before_start``, ``too_short`` (fewer than PUBLICITY_MIN_DAYS counted days)."""
    problems = []
    if starts_on < today:
        problems.append(STARTS_IN_PAST)
    if ends_on < starts_on:
        problems.append(ENDS_BEFORE_START)
    elif counted_days(starts_on, ends_on) < PUBLICITY_MIN_DAYS:
        problems.append(TOO_SHORT)
    return problems


def is_running(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> bool:
    """Whether ``today`` lies in the publicity (first and last day included): objections may be
    filed (art. 15)."""
    return starts_on <= today <= ends_on


def overlaps(a_starts: dt.date, a_ends: dt.date, b_starts: dt.date, b_ends: dt.date) -> bool:
    """Whether two periods share at least one day (both ends included)."""
    return a_starts <= b_ends and b_starts <= a_ends
