"""The schedule in words (R-MTG-1..4, R-MTG-6, R-MTG-8): ``rules.schedule`` gives codes, dates
and rule IDs; this module turns them into sentences for people (Simplified Chinese through the
app's catalogue), each naming the article (never the rule ID, issue 22 item 10), e.g. "art. 12 of
the electronic voting rules: the meeting must be entered at least 20 days before it is held; the
earliest meeting date that works is 2026-12-20". The API's error details and the pages use the same sentences.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from ownervote.rules import schedule
from ownervote.rules.calendar import ChineseCalendar
from ownervote.rules.publicity import PUBLICITY_MIN_DAYS

from . import selectors
from .models import Meeting

# Articles as ``rules.schedule`` cites them, for people.
ARTICLES = {
    schedule.ART_12: gettext_lazy("art. 12 of the electronic voting rules"),
    schedule.ART_14: gettext_lazy("art. 14 of the electronic voting rules"),
    schedule.COUNTING: gettext_lazy("Civil Code art. 201, 203"),
}

LABELS = {
    schedule.ENTRY_BY: gettext_lazy("Enter the meeting in the system"),
    schedule.GUIDANCE_UNTIL: gettext_lazy("Street office guidance"),
    schedule.PUBLICITY_BY: gettext_lazy("Publicise the meeting"),
    schedule.PUBLICITY_UNTIL: gettext_lazy("Shortest publicity ends"),
    schedule.CHANGES_UNTIL: gettext_lazy("Last day for changes"),
    schedule.INVITATION_ON: gettext_lazy("Community committee invited"),
    schedule.HELD_ON: pgettext_lazy("timeline", "Meeting held"),
}

# Where a street office convenes, its district bureau supervises and gives the guidance (R-ORG-3).
DISTRICT_LABELS = {schedule.GUIDANCE_UNTIL: gettext_lazy("District bureau guidance")}


def label(code: str, *, district: bool = False) -> str:
    """The timeline's name of a deadline; ``district``: the meeting's supervisor is the district
    bureau (``Meeting.supervised_by_district``)."""
    if district and code in DISTRICT_LABELS:
        return str(DISTRICT_LABELS[code])
    return str(LABELS.get(code, code))


def article(text: str) -> str:
    """An article reference as ``rules.schedule`` writes it ("art. 12; Civil Code art. 201, 203"),
    for people."""
    return "; ".join(str(ARTICLES.get(part, part)) for part in text.split("; "))


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def deadline_text(deadline: schedule.Deadline, *, district: bool = False) -> str:
    """What the deadline means, with its date and the rule; ``district``: the district bureau
    supervises the meeting and gives the guidance (R-ORG-3)."""
    params = {"date": _date(deadline.on), "days": deadline.days or 0}
    texts = {
        schedule.ENTRY_BY: _(
            "Enter the meeting in the system by %(date)s: at least %(days)d days before it is held."
        ),
        schedule.GUIDANCE_UNTIL: (
            _(
                "The district bureau may give a guidance opinion until %(date)s: within %(days)d days of the "
                "entry (a last day that is a day off moves to the next working day)."
            )
            if district
            else _(
                "The street office may give a guidance opinion until %(date)s: within %(days)d days of the "
                "entry (a last day that is a day off moves to the next working day)."
            )
        ),
        schedule.PUBLICITY_BY: _(
            "Publicise the meeting by %(date)s: at least %(days)d days before it is held."
        ),
        schedule.PUBLICITY_UNTIL: _(
            "The notice and the binding list stay publicised at least %(days)d days: until %(date)s at the "
            "earliest (a last day that is a day off moves to the next working day)."
        ),
        schedule.CHANGES_UNTIL: _(
            "A change of time, place, topics or items must be publicised again by %(date)s, %(days)d days "
            "before the meeting; after that day the meeting day must move."
        ),
        schedule.INVITATION_ON: _(
            "The system invites the community residents' committee to attend on %(date)s, %(days)d "
            "working days before the meeting (official holidays and make-up working days counted)."
        ),
        schedule.HELD_ON: _("The meeting is held on %(date)s."),
    }
    text = texts.get(deadline.code, "%(date)s") % params
    return _("%(article)s: %(text)s") % {
        "article": article(deadline.article),
        "text": text,
    }


def problem_text(problem: schedule.Problem) -> str:
    """Why the dates do not work, naming the rule and the article, and the earliest meeting day
    that does (or which year's holidays the operator must load first)."""
    p = problem.params
    earliest = _date(problem.earliest_held_on)
    if problem.code == schedule.ENTRY_TOO_LATE:
        text = _(
            "the meeting must be entered at least %(days)d days before it is held (entered on %(entered)s); "
            "the earliest meeting date that works is %(earliest)s"
        ) % {
            "days": p.get("days", schedule.ENTRY_MIN_DAYS),
            "entered": _date(p.get("entered_on")),
            "earliest": earliest,
        }
    elif problem.code == schedule.PUBLICITY_TOO_LATE:
        text = _(
            "the meeting must be publicised at least %(days)d days before it is held (publicised on "
            "%(start)s); the earliest meeting date that works is %(earliest)s"
        ) % {
            "days": p.get("days", schedule.PUBLICITY_BEFORE_DAYS),
            "start": _date(p.get("publicity_starts_on")),
            "earliest": earliest,
        }
    elif problem.code == schedule.REPUBLICATION_TOO_LATE:
        text = _(
            "a change must be publicised again at least %(days)d days before the meeting; publicised again "
            "today, the earliest meeting date that works is %(earliest)s"
        ) % {"days": p.get("days", schedule.PUBLICITY_BEFORE_DAYS), "earliest": earliest}
    elif problem.code == schedule.HELD_IN_PAST:
        text = _(
            "a meeting cannot be planned for today or a day that has passed; the earliest meeting date "
            "that works is %(earliest)s"
        ) % {"earliest": earliest}
    elif problem.code == schedule.UNKNOWN_YEAR:
        text = _(
            "the platform has not yet loaded the official holidays of %(year)d (the State Council's notice), "
            "so working days of that year cannot be counted for %(dates)s; the city operator must enter "
            "that year's notice first"
        ) % {"year": p.get("year", 0), "dates": needs_text(p.get("needs", ()))}
    else:
        text = problem.code
    return _("%(article)s: %(text)s.") % {
        "article": article(problem.article),
        "text": text,
    }


NEEDS = {
    schedule.HELD_ON: gettext_lazy("the meeting day, %(date)s"),
    schedule.INVITATION_ON: gettext_lazy(
        "the invitation of the community residents' committee, three working days before %(date)s"
    ),
    schedule.GUIDANCE_UNTIL: gettext_lazy("the street office's guidance window, 5 days from %(date)s"),
    schedule.PUBLICITY_UNTIL: gettext_lazy("the end of the shortest publicity, 10 days from %(date)s"),
    "earliest_held_on": gettext_lazy("the earliest meeting date the rules allow, %(date)s"),
}


def needs_text(needs) -> str:
    """The dates of a meeting that wait for a year of the calendar, in words (``unknown_year``'s
    ``needs``: (code, day) pairs, or dicts as the error details give them)."""
    parts = []
    for need in needs:
        code, day = (need["code"], need["date"]) if isinstance(need, dict) else need
        when = day if isinstance(day, str) else _date(day)
        parts.append(str(NEEDS.get(code, "%(date)s")) % {"date": when})
    return pgettext("list separator", "; ").join(parts)


def problems_detail(problems) -> list[dict]:
    """The problems as the API's error details list them; an ``unknown_year`` also gives the
    ``year`` and the meeting dates that need it (``needs``: code and the day it counts from)."""
    out = []
    for p in problems:
        detail = {
            "code": p.code,
            "rule": p.rule,
            "message": problem_text(p),
            "earliest_held_on": _date(p.earliest_held_on) or None,
        }
        if p.code == schedule.UNKNOWN_YEAR:
            detail["year"] = p.params.get("year")
            detail["needs"] = [{"code": c, "date": _date(d)} for c, d in p.params.get("needs", ())]
        out.append(detail)
    return out


def earliest_of(problems) -> dt.date | None:
    return next((p.earliest_held_on for p in problems if p.earliest_held_on is not None), None)


# --- the timeline of a meeting page -----------------------------------------------------------

PAST, TODAY, FUTURE, DONE = "past", "today", "future", "done"


@dataclass(frozen=True)
class TimelineRow:
    date: dt.date
    code: str
    label: str
    rule: str
    article: str
    explanation: str
    state: str  # past | today | future | done
    calendar_source: str = ""  # the holiday notice a day counted in working days or off days rests on
    warning: str = ""  # what went wrong with the step (the invitation that reaches nobody)


# The deadlines whose day depends on the holiday calendar (working days, days off).
COUNTED_ON_THE_CALENDAR = (schedule.GUIDANCE_UNTIL, schedule.PUBLICITY_UNTIL, schedule.INVITATION_ON)


def rows(
    sched: schedule.Schedule,
    *,
    today: dt.date | None = None,
    done: frozenset[str] = frozenset(),
    cal: ChineseCalendar | None = None,
    district: bool = False,
):
    """The deadlines of ``sched`` as timeline rows in date order; a code in ``done`` is marked done,
    the others past, today or future relative to ``today``. With ``cal``, a day counted on the
    holiday calendar cites the notice (or the provisional table) its year comes from. ``district``:
    the district bureau supervises the meeting (R-ORG-3) and the guidance rows name it."""
    today = today or timezone.localdate()
    out = []
    for d in sched.deadlines:
        if d.code in done:
            state = DONE
        elif d.on < today:
            state = PAST
        elif d.on == today:
            state = TODAY
        else:
            state = FUTURE
        out.append(
            TimelineRow(
                date=d.on,
                code=d.code,
                label=label(d.code, district=district),
                rule=d.rule,
                article=article(d.article),
                explanation=deadline_text(d, district=district),
                state=state,
                calendar_source=(
                    cal.source(d.on.year)
                    if cal is not None and d.code in COUNTED_ON_THE_CALENDAR and cal.has_year(d.on.year)
                    else ""
                ),
            )
        )
    return out


def done_steps(meeting: Meeting, today: dt.date | None = None) -> frozenset[str]:
    """The steps of the meeting already taken: entered, guidance given, publicised, the shortest
    publicity over, the invitation sent (its day come while publicised), the meeting held."""
    today = today or timezone.localdate()
    done = set()
    if meeting.entered_on is not None:
        done.add(schedule.ENTRY_BY)
    if meeting.pk and meeting.guidance.exists():
        done.add(schedule.GUIDANCE_UNTIL)
    if meeting.publicity_starts_on is not None:
        done.add(schedule.PUBLICITY_BY)
        if (
            meeting.status != Meeting.Status.CANCELLED
            and meeting.invitation_on is not None
            and meeting.invitation_on <= today
        ):
            done.add(schedule.INVITATION_ON)
    if meeting.status in (Meeting.Status.VOTING, Meeting.Status.CLOSED):
        done.add(schedule.PUBLICITY_UNTIL)
        done.add(schedule.CHANGES_UNTIL)
        if meeting.starts_at <= timezone.now():
            done.add(schedule.HELD_ON)
    return frozenset(done)


def _with_warnings(meeting: Meeting, timeline_rows: list[TimelineRow]) -> list[TimelineRow]:
    """The community committee's invitation row says when the invitation reaches nobody (R-MTG-4):
    the committee has no account on the platform."""
    if meeting.invitation_recipients != 0 or meeting.status == Meeting.Status.CANCELLED:
        return timeline_rows
    community = meeting.estate.community.name if meeting.estate.community_id else ""
    warning = _(
        "The invitation reaches nobody: %(community)s residents' committee has no account on the platform. "
        "The convener invites it in writing or in person; the convener and the supervising office were told."
    ) % {"community": community}
    return [replace(r, warning=warning) if r.code == schedule.INVITATION_ON else r for r in timeline_rows]


@dataclass(frozen=True)
class Timeline:
    rows: list[TimelineRow]
    problems: list[dict]  # problems_detail(); only while the meeting can still be changed
    earliest_held_on: dt.date | None


BINDING_LIST = "binding_list"  # the row of the binding list publication that runs with the notice


def binding_list_row(meeting: Meeting, today: dt.date | None = None) -> TimelineRow | None:
    """R-BIND-3, art. 14: how the binding list runs with the meeting's current publicity: published
    with it, extended to run at least 10 days from its start, or already running long enough.
    None before the meeting is publicised."""
    today = today or timezone.localdate()
    publicity = selectors.current_publicity(meeting)
    listing = publicity.binding_publication if publicity is not None else None
    if listing is None:
        return None
    params = {
        "start": _date(listing.starts_on),
        "end": _date(listing.ends_on),
        "days": PUBLICITY_MIN_DAYS,
        "from": _date(publicity.starts_on),
    }
    extension = listing.extensions.order_by("-extended_at", "-id").first()
    if listing.starts_on >= publicity.starts_on:
        day, label = listing.starts_on, _("Binding list published")
        text = _("The binding list is published from %(start)s to %(end)s with the notice.") % params
    elif extension is not None and timezone.localdate(extension.extended_at) >= publicity.starts_on:
        day, label = timezone.localdate(extension.extended_at), _("Binding list extended")
        text = _(
            "The binding list running since %(start)s was extended to %(end)s (it ended on %(before)s): "
            "it runs at least %(days)d days from the meeting's publicity start, %(from)s."
        ) % {**params, "before": _date(extension.previous_ends_on)}
    else:
        day, label = publicity.starts_on, _("Binding list running")
        text = (
            _(
                "The binding list running from %(start)s to %(end)s serves the meeting: it runs at least "
                "%(days)d days from the meeting's publicity start, %(from)s."
            )
            % params
        )
    return TimelineRow(
        date=day,
        code=BINDING_LIST,
        label=str(label),
        rule="R-BIND-3",
        article=article(schedule.ART_14),
        explanation=_("%(article)s: %(text)s") % {"article": article(schedule.ART_14), "text": text},
        state=DONE if day <= today else FUTURE,
    )


def meeting_timeline(meeting: Meeting, today: dt.date | None = None) -> Timeline:
    """The meeting's timeline for its page: every deadline explained with its state, and (for a
    draft or an entered meeting not yet publicised) what would stop it going ahead today."""
    today = today or timezone.localdate()
    cal = selectors.calendar()
    sched = selectors.timeline(meeting, today, cal=cal)
    problems: list = []
    if meeting.status in (Meeting.Status.DRAFT, Meeting.Status.SUBMITTED):
        problems = list(sched.problems)
    timeline_rows = rows(
        sched,
        today=today,
        done=done_steps(meeting, today),
        cal=cal,
        district=meeting.supervised_by_district,
    )
    listing = binding_list_row(meeting, today)
    if listing is not None:
        timeline_rows = sorted([*timeline_rows, listing], key=lambda r: r.date)
    return Timeline(
        rows=_with_warnings(meeting, timeline_rows),
        problems=problems_detail(problems),
        earliest_held_on=earliest_of(problems),
    )
