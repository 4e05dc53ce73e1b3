"""The windows of a meeting's result (art. 25, 26; R-RES-2, R-RES-3, R-MTG-8). Pure Python: no Django.

Rules for electronic voting in property management of Shenzhen (《深圳市物业管理电子投票规则》):
art. 25 - the convener submits the result to the street office, which "may give a guidance opinion
within 3 days" ("3日内"); art. 26 - the result is publicised "within 3 days of the resolution"
("作出决议后3日内"), for at least 10 days (art. 29).

Both are counted as every period of the system is (R-MTG-8, Civil Code art. 201, 203; the same
count as the meeting's guidance window, ``schedule``): the day of the act (the submission, the
resolution) is not counted; a last day that is a statutory day off moves to the next working day;
a day ends at 24:00 Beijing time. A year whose official holidays are not loaded yet is counted with
the weekly rest days alone (``complaints.period_end``): never a later day than the calendar's.

Publicity on time is always possible (R-RES-3): the convener waits for the guidance only while
waiting cannot make the publicity late. The convener may publicise

- as soon as the guidance is given; or
- without guidance, from the earlier of the guidance window's last day and the publicity's last
  day (``may_publicise_from``): on the last day of the 3 days at the latest.

Guidance is still open on that day (the window runs to its 24:00): guidance given after the
publicity started is shown with the publicised result.
"""

from __future__ import annotations

import datetime as dt

from .calendar import ChineseCalendar
from .complaints import period_end

GUIDANCE_DAYS = 3  # art. 25 "3日内出具指导意见"
PUBLICITY_WITHIN_DAYS = 3  # art. 26 "作出决议后3日内"


def guidance_until(cal: ChineseCalendar, submitted_on: dt.date) -> dt.date:
    """The last day the street office may give guidance on a result submitted on ``submitted_on``."""
    return period_end(cal, submitted_on, GUIDANCE_DAYS)


def publicity_due_by(cal: ChineseCalendar, resolved_on: dt.date) -> dt.date:
    """The last day the publicity may start on without a reason (art. 26)."""
    return period_end(cal, resolved_on, PUBLICITY_WITHIN_DAYS)


def may_publicise_from(guidance_ends_on: dt.date, due_by: dt.date) -> dt.date:
    """The first day the convener may publicise without guidance: the guidance window's last day,
    or the publicity's last day when that comes first (a late submission)."""
    return min(guidance_ends_on, due_by)


def may_publicise(*, today: dt.date, guided: bool, guidance_ends_on: dt.date, due_by: dt.date) -> bool:
    """Whether the convener may publicise a submitted result on ``today``."""
    return guided or today >= may_publicise_from(guidance_ends_on, due_by)
