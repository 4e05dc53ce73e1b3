"""The official Chinese working-day calendar (R-MTG-4, R-MTG-8). Pure Python: no Django.

Each year the General Office of the State Council publishes which days are statutory days off
(《全国年节及纪念日放假办法》 holidays plus the rest days moved next to them, 调休放假) and which weekend
days are worked to make up for them (调休上班). The rules of procedure count "three working days"
(rules art. 12, R-MTG-4) on that calendar, so a make-up Saturday is a working day and a weekday inside
the Spring Festival break is not.

``SHIPPED`` holds the notices for 2024, 2025 and 2026, copied day by day from the notices cited in
each table's ``source``. A later year is loaded by the city operator (``CalendarYear`` rows, passed
in through ``ChineseCalendar.with_years``). A date of a year neither holds raises ``UnknownYear``:
the calendar never guesses that an unknown year has no holidays (R-MTG-4).

Counting periods (Civil Code art. 201, 203; R-MTG-8): the day a period starts on is not counted,
counting starts the next day; when the last day is a statutory day off (法定休假日: a holiday of the
notice, or a weekly rest day that is not made up) the period ends on the first working day after it.

Strictness: a method raises ``UnknownYear`` as soon as it needs to know whether a day of a year the
calendar does not hold is worked. Days it does not look at do not matter: ``period_end`` never looks
at the (uncounted) start day, ``working_days_before`` never looks at ``d`` itself; a caller that
needs ``d``'s year to be known checks it (``has_year``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

SATURDAY = 5  # date.weekday(): Monday is 0


class UnknownYear(Exception):
    """A date of ``year`` was needed but the calendar holds no official schedule for that year."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"no official holiday schedule is loaded for {year}")


@dataclass(frozen=True)
class YearTable:
    """One year of the official schedule. ``holidays``: the statutory days off, including the
    adjusted rest days (a holiday falling on a weekend is listed too); ``workdays``: the make-up
    working days (调休上班). ``source``: the notice the table was copied from."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str

    def __post_init__(self) -> None:
        for d in self.holidays | self.workdays:
            if d.year != self.year:
                raise ValueError(f"{d.isoformat()} does not belong to the table of {self.year}")
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"{min(both).isoformat()} is listed both as a day off and as a working day")


def _span(first: str, last: str) -> list[dt.date]:
    """Every day from ``first`` to ``last`` (ISO dates), both included."""
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _days(*iso: str) -> list[dt.date]:
    return [dt.date.fromisoformat(s) for s in iso]


def _table(year: int, source: str, holidays: Iterable[list[dt.date]], workdays: list[dt.date]) -> YearTable:
    return YearTable(
        year=year,
        holidays=frozenset(d for block in holidays for d in block),
        workdays=frozenset(workdays),
        source=source,
    )


SHIPPED: dict[int, YearTable] = {
    # State Council General Office notice of 25 October 2023 (国务院公报 2023 no. 31)
    2024: _table(
        2024,
        "国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号，2023年10月25日）",
        [
            _span("2024-01-01", "2024-01-01"),  # 元旦
            _span("2024-02-10", "2024-02-17"),  # 春节
            _span("2024-04-04", "2024-04-06"),  # 清明节
            _span("2024-05-01", "2024-05-05"),  # 劳动节
            _span("2024-06-10", "2024-06-10"),  # 端午节
            _span("2024-09-15", "2024-09-17"),  # 中秋节
            _span("2024-10-01", "2024-10-07"),  # 国庆节
        ],
        _days(
            "2024-02-04",  # 春节: 2月4日（星期日）上班
            "2024-02-18",  # 春节: 2月18日（星期日）上班
            "2024-04-07",  # 清明节: 4月7日（星期日）上班
            "2024-04-28",  # 劳动节: 4月28日（星期日）上班
            "2024-05-11",  # 劳动节: 5月11日（星期六）上班
            "2024-09-14",  # 中秋节: 9月14日（星期六）上班
            "2024-09-29",  # 国庆节: 9月29日（星期日）上班
            "2024-10-12",  # 国庆节: 10月12日（星期六）上班
        ),
    ),
    # notice of 12 November 2024: https://www.gov.cn/zhengce/content/202411/content_6986382.htm
    2025: _table(
        2025,
        "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）",
        [
            _span("2025-01-01", "2025-01-01"),  # 元旦
            _span("2025-01-28", "2025-02-04"),  # 春节
            _span("2025-04-04", "2025-04-06"),  # 清明节
            _span("2025-05-01", "2025-05-05"),  # 劳动节
            _span("2025-05-31", "2025-06-02"),  # 端午节
            _span("2025-10-01", "2025-10-08"),  # 国庆节、中秋节
        ],
        _days(
            "2025-01-26",  # 春节: 1月26日（星期日）上班
            "2025-02-08",  # 春节: 2月8日（星期六）上班
            "2025-04-27",  # 劳动节: 4月27日（星期日）上班
            "2025-09-28",  # 国庆节、中秋节: 9月28日（星期日）上班
            "2025-10-11",  # 国庆节、中秋节: 10月11日（星期六）上班
        ),
    ),
    # notice of 4 November 2025: https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm
    2026: _table(
        2026,
        "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号，2025年11月4日）",
        [
            _span("2026-01-01", "2026-01-03"),  # 元旦
            _span("2026-02-15", "2026-02-23"),  # 春节
            _span("2026-04-04", "2026-04-06"),  # 清明节
            _span("2026-05-01", "2026-05-05"),  # 劳动节
            _span("2026-06-19", "2026-06-21"),  # 端午节
            _span("2026-09-25", "2026-09-27"),  # 中秋节
            _span("2026-10-01", "2026-10-07"),  # 国庆节
        ],
        _days(
            "2026-01-04",  # 元旦: 1月4日（星期日）上班
            "2026-02-14",  # 春节: 2月14日（星期六）上班
            "2026-02-28",  # 春节: 2月28日（星期六）上班
            "2026-05-09",  # 劳动节: 5月9日（星期六）上班
            "2026-09-20",  # 国庆节: 9月20日（星期日）上班
            "2026-10-10",  # 国庆节: 10月10日（星期六）上班
        ),
    ),
}


class ChineseCalendar:
    """Working days and days off by the official schedule of the years in ``tables``."""

    def __init__(self, tables: Mapping[int, YearTable] = SHIPPED):
        for year, table in tables.items():
            if table.year != year:
                raise ValueError(f"the table of {table.year} is filed under {year}")
        self._tables: Mapping[int, YearTable] = MappingProxyType(dict(tables))

    def __repr__(self) -> str:
        return f"ChineseCalendar(years={list(self.years)})"

    @property
    def years(self) -> tuple[int, ...]:
        """The years the calendar holds, in order."""
        return tuple(sorted(self._tables))

    def has_year(self, year: int) -> bool:
        return year in self._tables

    def table(self, year: int) -> YearTable:
        try:
            return self._tables[year]
        except KeyError:
            raise UnknownYear(year) from None

    def source(self, year: int) -> str:
        """The notice the year's table comes from; UnknownYear when the year is not held."""
        return self.table(year).source

    def with_years(self, tables: Mapping[int, YearTable] | Iterable[YearTable]) -> ChineseCalendar:
        """A calendar where ``tables`` (the operator's, by year) replace or add to this one's."""
        if not isinstance(tables, Mapping):
            tables = {t.year: t for t in tables}
        return ChineseCalendar({**self._tables, **tables})

    def is_working_day(self, d: dt.date) -> bool:
        """A make-up working day, or a weekday that is not a day off of the notice."""
        table = self.table(d.year)
        if d in table.workdays:
            return True
        if d in table.holidays:
            return False
        return d.weekday() < SATURDAY

    def is_day_off(self, d: dt.date) -> bool:
        """A statutory day off (法定休假日, Civil Code art. 203): a holiday of the notice, or a
        weekly rest day not made up."""
        return not self.is_working_day(d)

    def working_days_before(self, d: dt.date, n: int) -> dt.date:
        """The ``n``-th working day before ``d``, ``d`` itself not counted: exactly ``n`` working
        days lie from the result (included) up to ``d`` (excluded), and the result is one of them."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day = d
        while n:
            day -= dt.timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def period_end(self, start: dt.date, days: int) -> dt.date:
        """The last day of a period of ``days`` days starting on ``start``: the start is not
        counted (Civil Code art. 201), and a last day that is a day off moves to the next working
        day (art. 203)."""
        if days < 1:
            raise ValueError("a period lasts at least one day")
        end = start + dt.timedelta(days=days)
        while self.is_day_off(end):
            end += dt.timedelta(days=1)
        return end


# The State Council publishes the next year's notice in the autumn (25 October 2023, 12 November 2024,
# 4 November 2025): from the 1st of October the operator is asked to watch for it and load it.
WATCH_FROM_MONTH = 10

THIS_YEAR = "this_year"  # today's own year is missing: every meeting is refused now
NEXT_YEAR = "next_year"  # from 1 October, next year is missing: meetings from January will be


@dataclass(frozen=True)
class YearDue:
    year: int
    reason: str  # THIS_YEAR or NEXT_YEAR
    due_on: dt.date  # the day by which it must be loaded (today when already late)


def years_due(today: dt.date, held: Iterable[int]) -> list[YearDue]:
    """The years the operator must load now: today's year when the calendar lacks it, and from the
    1st of October the next year when it lacks that, due by the 31st of December."""
    held = set(held)
    due = []
    if today.year not in held:
        due.append(YearDue(today.year, THIS_YEAR, today))
    if today.month >= WATCH_FROM_MONTH and today.year + 1 not in held:
        due.append(YearDue(today.year + 1, NEXT_YEAR, dt.date(today.year, 12, 31)))
    return due
