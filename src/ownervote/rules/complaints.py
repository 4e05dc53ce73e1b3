"""The time limits of a complaint (R-SEC-4). Pure Python: no Django.

Owners complain to the street office about the voting (rules art. 5(5)); the office follows the
time limits of the State Council's 《信访工作条例》 (2022): it tells the complainant whether it takes
the complaint up within 15 days of receiving it ("自收到信访事项之日起15日内书面告知信访人是否受理"),
and concludes a complaint it took up within 60 days of taking it up ("自受理之日起60日内办结"); where
the case is complex, its head may extend that once, by at most 30 days, telling the complainant why
("情况复杂的，经本机关、单位负责人批准，可以适当延长办理期限，但延长期限不得超过30日，并告知信访人延期
理由"). The 30 days run from the last day of the 60.

Periods are counted as the Civil Code counts them (art. 201, 203; R-MTG-8), on the official
calendar (``calendar.ChineseCalendar.period_end``): the day of receipt (or of acceptance) is not
counted; a last day that is a day off moves to the next working day; a day ends at 24:00 Beijing
time, so a step is overdue from the day after its last day.

A year whose official holidays are not loaded yet (the State Council publishes them in the
autumn) must not stop a complaint: its deadline is then counted with the weekly rest days alone
(Saturday and Sunday move the last day to Monday). That deadline is never later than the
calendar's, so the office is never told it has more time than the law gives.
"""

from __future__ import annotations

import datetime as dt

from .calendar import SATURDAY, ChineseCalendar, UnknownYear

ACCEPT_DAYS = 15  # 《信访工作条例》: "15日内…告知…是否受理"
CONCLUDE_DAYS = 60  # 《信访工作条例》: "自受理之日起60日内办结"
EXTEND_DAYS = 30  # 《信访工作条例》: "延长期限不得超过30日"


def period_end(cal: ChineseCalendar, start: dt.date, days: int) -> dt.date:
    """The last day of ``days`` days from ``start`` (not counted), on ``cal``; a year ``cal``
    lacks counts Saturdays and Sundays as its only days off."""
    try:
        return cal.period_end(start, days)
    except UnknownYear:
        end = start + dt.timedelta(days=days)
        while end.weekday() >= SATURDAY:
            end += dt.timedelta(days=1)
        return end


def accept_by(cal: ChineseCalendar, received_on: dt.date) -> dt.date:
    """The last day to decide whether the complaint is taken up."""
    return period_end(cal, received_on, ACCEPT_DAYS)


def conclude_by(cal: ChineseCalendar, accepted_on: dt.date) -> dt.date:
    """The last day to conclude a complaint taken up on ``accepted_on``."""
    return period_end(cal, accepted_on, CONCLUDE_DAYS)


def extended_conclude_by(cal: ChineseCalendar, conclude_by: dt.date) -> dt.date:
    """The last day to conclude once the time limit ending ``conclude_by`` is extended (30 days more,
    counted from that last day, not counted itself)."""
    return period_end(cal, conclude_by, EXTEND_DAYS)


def is_overdue(last_day: dt.date | None, today: dt.date) -> bool:
    """Past its last day (which ends at 24:00): overdue from the next day on."""
    return last_day is not None and today > last_day
