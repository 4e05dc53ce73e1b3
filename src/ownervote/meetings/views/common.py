"""What the meeting pages share: a service's refusal as the pages show it, the voting period on a
timeline, the notice's file name."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from ownervote.core.errors import ServiceError

from .. import explain
from ..models import Meeting


def refusal(exc: ServiceError) -> dict:
    """A service's refusal as the pages show it: the message, the rules broken (schedule
    refusals) and the earliest meeting date that works, if offered."""
    details = exc.details if isinstance(exc.details, dict) else {}
    problems = [p for p in details.get("problems") or [] if isinstance(p, dict)]
    earliest = details.get("earliest_held_on") or next(
        (p.get("earliest_held_on") for p in problems if p.get("earliest_held_on")), None
    )
    if isinstance(earliest, str):
        try:
            earliest = dt.date.fromisoformat(earliest)
        except ValueError:
            earliest = None
    return {"message": str(exc.message), "code": exc.code, "problems": problems, "earliest": earliest}


def _state(day: dt.date, today: dt.date) -> str:
    return explain.PAST if day < today else explain.TODAY if day == today else explain.FUTURE


def voting_rows(opens_at: dt.datetime, closes_at: dt.datetime, today: dt.date) -> list:
    """The voting period on the timeline: the meeting's own dates, not a rule's."""
    opens, closes = timezone.localtime(opens_at), timezone.localtime(closes_at)
    return [
        explain.TimelineRow(
            date=opens.date(),
            code="voting_opens",
            label=_("Voting opens"),
            rule="R-BIND-2, R-VOTE-4",
            article=_("art. 13, 18"),
            explanation=_(
                "Voting opens at %(time)s. The system first re-checks every binding against the roster "
                "and ends those whose ownership changed; owners verified or bound during the publicity "
                "or the meeting vote on paper only."
            )
            % {"time": opens.strftime("%Y-%m-%d %H:%M")},
            state=_state(opens.date(), today),
        ),
        explain.TimelineRow(
            date=closes.date(),
            code="voting_closes",
            label=_("Voting closes"),
            rule="R-VOTE-1",
            article=_("art. 16"),
            explanation=_("Voting closes at %(time)s; paper ballots are cast before it too.")
            % {"time": closes.strftime("%Y-%m-%d %H:%M")},
            state=_state(closes.date(), today),
        ),
    ]


def sorted_rows(rows: list) -> list:
    return sorted(rows, key=lambda r: r.date)


def notice_filename(meeting: Meeting) -> str:
    return f"{meeting.estate.name}-{_('meeting notice')}-v{meeting.version}.pdf"
