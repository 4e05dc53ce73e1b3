"""The deadlines of an owners' assembly meeting (R-MTG-1..4, R-MTG-6, R-MTG-8). Pure Python: no Django.

Rules for electronic voting in property management of Shenzhen (《深圳市物业管理电子投票规则》), art. 12:
the convener enters the meeting "在业主大会会议召开20日前" (R-MTG-1); the street office may give a
guidance opinion "在5日内" (R-MTG-2); the meeting is publicised "在会议召开15日前" (R-MTG-3), and the
binding list with it "至少10日" (art. 14, R-BIND-3); the system invites the community committee
"提前三个工作日" (R-MTG-4); a change is publicised again "在会议召开15日前" (R-MTG-6).

Counting (Civil Code art. 201, R-MTG-8): the day a period starts on is not counted. Decisions:

- Entry at least 20 days before (R-MTG-1): ok iff ``entered_on + 20 <= held_on``. Entering on
  1 March counts 2..21 March as the 20 days, so a meeting on 21 March is entered "exactly 20 days"
  before and is accepted; 20 March is refused.
- Publicity at least 15 days before (R-MTG-3): ok iff ``publicity_starts_on + 15 <= held_on``.
- Republication of a change (R-MTG-6): for ``change=True`` the entry rule is not applied again (the
  meeting was entered already); when the change is republished today (``publicity_starts_on ==
  today``) the 15-day rule is checked as ``today + 15 <= held_on`` under the code
  ``republication_too_late``; otherwise under ``publicity_too_late``.
- Guidance window (R-MTG-2): ends ``cal.period_end(entered_on, 5)``.
- Earliest end of the 10-day publicity (art. 14): ``cal.period_end(publicity_starts_on, 10)``.
- Invitation (R-MTG-4): sent on ``cal.working_days_before(held_on, 3)``: the third working day
  before the meeting, the meeting day not counted (a make-up Saturday counts, a holiday does not).
- Changes (R-MTG-6): possible until ``held_on - 15`` (republished that day, it still runs 15 days).
- A meeting held today or earlier cannot be planned (``held_in_past`` when ``held_on <= today``).

The holiday extension of Civil Code art. 203 ("期间的最后一日是法定休假日的，以法定休假日结束的次日为
期间的最后一日") applies to the periods counted *forward* from an act to a day that is not fixed
otherwise: the guidance window and the end of the publicity. It does not apply to "at least N days
before the meeting" deadlines counted *back* from the meeting day: there the end of the period is
the meeting day itself, fixed by the convener, and art. 203 protects whoever must act by the last
day of a period, by giving more time. Moving the latest entry/publicity day off a holiday would
either shorten the N days (moving it later) or add a requirement the rules do not state (moving it
earlier); so those deadlines stay on plain calendar days, and entering or publishing on a holiday
is allowed (the system is online).

Problems carry ``earliest_held_on``: the smallest meeting day for which ``compute`` finds no
problem, keeping the plan's entry and publicity days; every problem of a schedule offers the same
day. ``unknown_year`` (a year some date of the schedule needs is not in the calendar) carries
``None``: the operator must load that year first. Its ``params`` are ``{"year": 2027, "needed_for":
code, "needs": ((code, day), ...)}``: ``needed_for`` is the first deadline that needed the year
(``held_on``, ``guidance_until``, ``publicity_until``, ``invitation_on``) or ``"earliest_held_on"``
when only the day offered by the other problems needs it; ``needs`` lists every such deadline with
the day it is counted from (the meeting day for ``held_on`` and ``invitation_on``, the entry day for
``guidance_until``, the publicity's first day for ``publicity_until``, the offered day for
``earliest_held_on``), so that the convener is told which of their dates wait for the year. The
offered day is still offered (it is what the rules require, and it becomes usable as soon as the
year is loaded) and ``earliest_held_on()`` raises ``UnknownYear`` instead of returning it (it never
returns a day it could not check).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from ownervote.rules.calendar import ChineseCalendar, UnknownYear
from ownervote.rules.publicity import PUBLICITY_MIN_DAYS

ENTRY_MIN_DAYS = 20  # art. 12 "召开20日前…录入"
PUBLICITY_BEFORE_DAYS = 15  # art. 12 "召开15日前…公示", "召开15日前重新公示"
GUIDANCE_DAYS = 5  # art. 12 "5日内出具指导意见"
INVITATION_WORKING_DAYS = 3  # art. 12 "提前三个工作日"

ART_12 = "art. 12"
ART_14 = "art. 14"
COUNTING = "Civil Code art. 201, 203"

# Deadline codes
ENTRY_BY = "entry_by"
GUIDANCE_UNTIL = "guidance_until"
PUBLICITY_BY = "publicity_by"
PUBLICITY_UNTIL = "publicity_until"
CHANGES_UNTIL = "changes_until"
INVITATION_ON = "invitation_on"
HELD_ON = "held_on"

# Problem codes
ENTRY_TOO_LATE = "entry_too_late"
PUBLICITY_TOO_LATE = "publicity_too_late"
REPUBLICATION_TOO_LATE = "republication_too_late"
HELD_IN_PAST = "held_in_past"
UNKNOWN_YEAR = "unknown_year"


@dataclass(frozen=True)
class Plan:
    """``held_on``: the day the meeting is held (Beijing time). For a draft, ``entered_on`` and
    ``publicity_starts_on`` are today. ``change``: a change after entry; ``publicity_starts_on`` is
    then the day the change is publicised again (today, when it is published already)."""

    held_on: dt.date
    entered_on: dt.date
    publicity_starts_on: dt.date
    today: dt.date
    change: bool = False


@dataclass(frozen=True)
class Deadline:
    code: str
    rule: str
    article: str
    on: dt.date
    days: int | None  # the N of the rule (working days for invitation_on); None for held_on


@dataclass(frozen=True)
class Problem:
    code: str
    rule: str
    article: str
    earliest_held_on: dt.date | None  # None only for unknown_year
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Schedule:
    """The deadlines in date order (ties in the order of the codes above) and the problems."""

    deadlines: tuple[Deadline, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def deadline(self, code: str) -> Deadline | None:
        """The deadline with ``code``; None when it could not be computed (its year is unknown)."""
        for d in self.deadlines:
            if d.code == code:
                return d
        return None


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _lower_bound(plan: Plan) -> dt.date:
    """The earliest meeting day the plain day-count rules allow for the plan's entry and publicity
    days: after today, 20 days after entry (not for a change), 15 days after publicity."""
    bounds = [plan.today + _days(1), plan.publicity_starts_on + _days(PUBLICITY_BEFORE_DAYS)]
    if not plan.change:
        bounds.append(plan.entered_on + _days(ENTRY_MIN_DAYS))
    return max(bounds)


def _deadlines(
    plan: Plan, cal: ChineseCalendar
) -> tuple[list[Deadline], dict[int, list[tuple[str, dt.date]]]]:
    """The deadlines that can be computed, and the years that could not, each with the deadline
    codes that needed it (in the order below) and the day each is counted from."""
    held = plan.held_on
    deadlines = [
        Deadline(ENTRY_BY, "R-MTG-1", ART_12, held - _days(ENTRY_MIN_DAYS), ENTRY_MIN_DAYS),
        Deadline(PUBLICITY_BY, "R-MTG-3", ART_12, held - _days(PUBLICITY_BEFORE_DAYS), PUBLICITY_BEFORE_DAYS),
        Deadline(
            CHANGES_UNTIL, "R-MTG-6", ART_12, held - _days(PUBLICITY_BEFORE_DAYS), PUBLICITY_BEFORE_DAYS
        ),
        Deadline(HELD_ON, "R-MTG-1", ART_12, held, None),
    ]
    missing: dict[int, list[tuple[str, dt.date]]] = {}
    if not cal.has_year(held.year):
        missing[held.year] = [(HELD_ON, held)]
    lookups = [
        (GUIDANCE_UNTIL, "R-MTG-2", f"{ART_12}; {COUNTING}", GUIDANCE_DAYS, plan.entered_on,
         lambda: cal.period_end(plan.entered_on, GUIDANCE_DAYS)),
        (PUBLICITY_UNTIL, "R-MTG-3", f"{ART_14}; {COUNTING}", PUBLICITY_MIN_DAYS, plan.publicity_starts_on,
         lambda: cal.period_end(plan.publicity_starts_on, PUBLICITY_MIN_DAYS)),
        (INVITATION_ON, "R-MTG-4", ART_12, INVITATION_WORKING_DAYS, held,
         lambda: cal.working_days_before(held, INVITATION_WORKING_DAYS)),
    ]  # fmt: skip
    for code, rule, article, days, counted_from, find in lookups:
        try:
            deadlines.append(Deadline(code, rule, article, find(), days))
        except UnknownYear as e:
            missing.setdefault(e.year, []).append((code, counted_from))
    order = [ENTRY_BY, GUIDANCE_UNTIL, PUBLICITY_BY, PUBLICITY_UNTIL, CHANGES_UNTIL, INVITATION_ON, HELD_ON]
    deadlines.sort(key=lambda d: (d.on, order.index(d.code)))
    return deadlines, missing


def _unknown_year(year: int, needs: list[tuple[str, dt.date]]) -> Problem:
    return Problem(
        UNKNOWN_YEAR,
        "R-MTG-4",
        ART_12,
        None,
        {"year": year, "needed_for": needs[0][0], "needs": tuple(needs)},
    )


def _rule_problems(plan: Plan, earliest: dt.date) -> list[Problem]:
    """The day-count rules the plan breaks, each offering ``earliest``."""
    held = plan.held_on
    problems = []
    if held <= plan.today:
        problems.append(Problem(HELD_IN_PAST, "R-MTG-1", ART_12, earliest, {"today": plan.today}))
    if not plan.change and plan.entered_on + _days(ENTRY_MIN_DAYS) > held:
        problems.append(
            Problem(
                ENTRY_TOO_LATE,
                "R-MTG-1",
                ART_12,
                earliest,
                {
                    "days": ENTRY_MIN_DAYS,
                    "entered_on": plan.entered_on,
                    "latest_entry_on": held - _days(ENTRY_MIN_DAYS),
                },
            )
        )
    if plan.publicity_starts_on + _days(PUBLICITY_BEFORE_DAYS) > held:
        republication = plan.change and plan.publicity_starts_on == plan.today
        problems.append(
            Problem(
                REPUBLICATION_TOO_LATE if republication else PUBLICITY_TOO_LATE,
                "R-MTG-6" if republication else "R-MTG-3",
                ART_12,
                earliest,
                {
                    "days": PUBLICITY_BEFORE_DAYS,
                    "publicity_starts_on": plan.publicity_starts_on,
                    "latest_publicity_on": held - _days(PUBLICITY_BEFORE_DAYS),
                },
            )
        )
    return problems


def compute(plan: Plan, cal: ChineseCalendar) -> Schedule:
    """The plan's deadlines and what is wrong with it (an empty ``problems`` when nothing is)."""
    deadlines, missing = _deadlines(plan, cal)
    problems = [_unknown_year(year, needs) for year, needs in sorted(missing.items())]
    earliest = _lower_bound(plan)
    rule_problems = _rule_problems(plan, earliest)
    if rule_problems:
        _, missing_then = _deadlines(replace(plan, held_on=earliest), cal)
        problems += [
            _unknown_year(year, [("earliest_held_on", earliest)])
            for year in sorted(missing_then)
            if year not in missing
        ]
    return Schedule(deadlines=tuple(deadlines), problems=tuple(rule_problems + problems))


def earliest_held_on(plan: Plan, cal: ChineseCalendar) -> dt.date:
    """The smallest meeting day for which ``compute`` finds no problem, keeping the plan's entry
    and publicity days (and ``today``, ``change``).

    Every rule but the calendar's is a lower bound on the meeting day (held after today, 20 days
    after entry, 15 days after publicity), and the calendar only ever adds ``unknown_year``, which
    a later day cannot cure in a year the operator has not loaded. So the search forward from that
    bound stops at the bound: it is returned when the calendar holds every year it needs; otherwise
    ``UnknownYear`` is raised for the first missing year (never a guessed day, R-MTG-4)."""
    day = _lower_bound(plan)
    _, missing = _deadlines(replace(plan, held_on=day), cal)
    if missing:
        raise UnknownYear(min(missing))
    return day


def publicity_may_start_on(
    *, held_on: dt.date, guidance_until: dt.date, guided_on: dt.date | None
) -> dt.date:
    """The first day the meeting may be publicised, with respect to the street office's guidance
    (art. 12, R-MTG-2, R-MTG-3): the day the guidance was given (``guided_on``); without guidance,
    the day after its window (``guidance_until``, counted per R-MTG-8) has run out; but never later
    than the last day on which the publicity still starts 15 days before the meeting
    (``held_on - 15``), so that publicity on time is always possible.

    Why: art. 12 gives the street office 5 days from the entry "to give a guidance opinion" and the
    convener 15 days of publicity before the meeting, after an entry 20 days before it (20 = 5 +
    15): the guidance is meant to come before the publicity, so that what is publicised follows it
    (as art. 26 says for the result: "根据街道办事处的指导意见"). The office *may* give guidance
    ("可以"), the publicity *must* be on time ("应当"): silence cannot stop the publicity, so the
    window's end, or the last day the publicity is on time, releases it. Guidance given after the
    publicity started (the window still running on that last day) is shown with the notice."""
    if guided_on is not None:
        return min(guided_on, held_on - _days(PUBLICITY_BEFORE_DAYS))
    return min(guidance_until + _days(1), held_on - _days(PUBLICITY_BEFORE_DAYS))
