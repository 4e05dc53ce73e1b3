"""Checking a meeting before it is written (R-MTG-1, R-MTG-7): its own fields and voting period,
its topics and items (``meetings.items``: the one definition of them), and the schedule refusals
with the rules broken and the earliest date that works (R-MTG-1..4, R-MTG-6). Every problem is
collected, then raised at once with its path in ``details.fields``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ownervote.core.errors import Conflict, InvalidInput
from ownervote.rules import schedule

from .. import explain, selectors
from ..errors import Code
from ..models import Meeting
from .common import clean

MEETING_FIELDS = ("kind", "title", "place", "method", "starts_at", "voting_opens_at", "voting_closes_at")
DATE_FIELDS = ("starts_at", "voting_opens_at", "voting_closes_at")


def clean_fields(values: dict, errors: dict) -> dict:
    """Kind, title, place, method and the three datetimes, cleaned; problems into ``errors``."""
    out: dict = {}
    if "kind" in values:
        out["kind"] = values["kind"]
        if values["kind"] not in Meeting.Kind.values:
            errors["kind"] = _("Choose a regular, temporary or first meeting.")
    if "title" in values:
        out["title"] = clean(values["title"], 1000)
        if not out["title"]:
            errors["title"] = _("Give the meeting a title.")
        elif len(out["title"]) > 200:
            errors["title"] = _("At most %(n)d characters.") % {"n": 200}
    if "place" in values:
        out["place"] = clean(values["place"], 1000)
        if not out["place"]:
            errors["place"] = _("Say where the meeting is held.")
        elif len(out["place"]) > 300:
            errors["place"] = _("At most %(n)d characters.") % {"n": 300}
    if "method" in values:
        out["method"] = values["method"]
        if values["method"] not in Meeting.Method.values:
            errors["method"] = _("Choose electronic, paper, or electronic voting with paper as a supplement.")
    for field in DATE_FIELDS:
        if field in values:
            out[field] = selectors.aware(values[field])
            if out[field] is None:
                errors[field] = _("Give a date and time.")
    return out


def check_period(starts_at, opens_at, closes_at, errors: dict) -> None:
    """The voting period lies in the meeting: it opens when the meeting starts or later, and
    closes after it opens (R-MTG-1: "投票时间")."""
    if None in (starts_at, opens_at, closes_at):
        return
    if opens_at < starts_at:
        errors.setdefault("voting_opens_at", _("Voting cannot open before the meeting starts."))
    if closes_at <= opens_at:
        errors.setdefault("voting_closes_at", _("Voting must close after it opens."))


def given(**values) -> dict:
    """The meeting fields a change names (``None``: left as it is)."""
    return {k: v for k, v in values.items() if k in MEETING_FIELDS and v is not None}


def invalid(errors: dict) -> InvalidInput:
    first = next(iter(errors.values()))
    return InvalidInput(
        Code.INVALID,
        _("Check the meeting: %(first)s") % {"first": first},
        details={"fields": {k: str(v) for k, v in errors.items()}},
    )


def _schedule_details(sched: schedule.Schedule) -> tuple[list[dict], dict]:
    problems = explain.problems_detail(sched.problems)
    earliest = explain.earliest_of(sched.problems)
    return problems, {"problems": problems, "earliest_held_on": earliest.isoformat() if earliest else None}


def schedule_error(sched: schedule.Schedule) -> InvalidInput:
    problems, details = _schedule_details(sched)
    return InvalidInput(Code.SCHEDULE, problems[0]["message"], details=details)


def change_too_late(sched: schedule.Schedule) -> Conflict:
    problems, details = _schedule_details(sched)
    return Conflict(Code.CHANGE_TOO_LATE, problems[0]["message"], details=details)
