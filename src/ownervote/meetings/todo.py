"""The meetings app's entries on the console's home (``core.todo``): the holiday calendar year the
city operator must load (R-MTG-4); for the supervising office (the street office, or the district
bureau where the street office convenes, R-ORG-3) the entered meetings whose guidance window runs
(R-MTG-2); for the convener what each of its meetings needs next: a draft entered 20 days before
the meeting (R-MTG-1), an entered meeting publicised 15 days before it, after the guidance or its
window (R-MTG-2, R-MTG-3), a held opening's totals confirmed again (R-ROSTER-1), and the
flats the notice has not reached a week before the voting opens (R-MTG-10)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ownervote.core.todo import Todo
from ownervote.orgs import scoping
from ownervote.rules import schedule

from . import permissions, selectors, served
from .models import Meeting


def calendar_years(user, today: dt.date) -> Iterator[Todo]:
    if not permissions.can_keep_calendar(user):
        return
    for need in selectors.calendar_needs(today):
        year, waiting = need["year"], len(need["requests"])
        if need["reason"] == "this_year":
            detail = _("No meeting can be entered while this year's holidays are missing.")
        elif need["reason"] == "next_year":
            detail = _(
                "The State Council publishes next year's notice in the autumn; meetings held in %(year)d "
                "cannot be entered until it is loaded."
            ) % {"year": year}
        else:
            detail = ""
        if waiting:
            waits = ngettext(
                "%(n)d convener's meeting waits for it.", "%(n)d conveners' meetings wait for it.", waiting
            ) % {"n": waiting}
            detail = f"{detail} {waits}".strip()
        yield Todo(
            key=f"calendar-{year}",
            title=_("Load the official holidays of %(year)d") % {"year": year},
            detail=detail,
            url=f"{reverse('meetings:calendar')}?year={year}#calendar-form",
            due_on=need["due_on"],
            urgent=need["urgent"],
        )


def guidance_windows(user, today: dt.date) -> Iterator[Todo]:
    """The entered meetings the user supervises whose guidance window is open and on which its
    office has given no opinion yet (R-MTG-2): gone once given, or once the window has ended."""
    if not scoping.is_supervisor(user):
        return
    rows = (
        selectors.to_guide(user)
        .filter(
            status__in=(Meeting.Status.SUBMITTED, Meeting.Status.PUBLISHED),
            guidance_ends_on__gte=today,
        )
        .annotate(opinions=Count("guidance"))
        .filter(opinions=0)
    )
    for meeting in rows:
        yield Todo(
            key=f"guidance-{meeting.pk}",
            title=_("Guidance on the meeting “%(title)s” of %(estate)s")
            % {"title": meeting.title, "estate": meeting.estate.name},
            detail=_(
                "Entered on %(entered)s. You may give a guidance opinion until %(until)s (art. 12); the "
                "convener publicises the meeting after it, or once the window has ended."
            )
            % {"entered": meeting.entered_on.isoformat(), "until": meeting.guidance_ends_on.isoformat()},
            url=reverse("meetings:guidance", args=[meeting.pk]),
            due_on=meeting.guidance_ends_on,
            urgent=meeting.guidance_ends_on <= today,
        )


def _entry(meeting: Meeting, today: dt.date) -> Todo:
    due = selectors.held_on(meeting) - dt.timedelta(days=schedule.ENTRY_MIN_DAYS)
    return Todo(
        key=f"meeting-{meeting.pk}",
        title=_("Enter the meeting “%(title)s” in the system") % {"title": meeting.title},
        detail=_(
            "The draft is entered at least 20 days before the meeting (art. 12); the supervising office "
            "then has 5 days for its guidance."
        ),
        url=reverse("meetings:detail", args=[meeting.pk]) + "#actions",
        due_on=due,
        urgent=due <= today,
    )


def _publicity(meeting: Meeting, today: dt.date) -> Todo:
    due = selectors.held_on(meeting) - dt.timedelta(days=schedule.PUBLICITY_BEFORE_DAYS)
    start = selectors.publicity_from(meeting)
    if start is not None and start > today:
        detail = _("Publicise it once the guidance is given, or from %(from)s if none is given.") % {
            "from": start.isoformat()
        }
    else:
        detail = _("It may be publicised now: at least 15 days before the meeting (art. 12).")
    return Todo(
        key=f"meeting-{meeting.pk}",
        title=_("Publicise the meeting “%(title)s”") % {"title": meeting.title},
        detail=detail,
        url=reverse("meetings:detail", args=[meeting.pk]) + "#actions",
        due_on=due,
        urgent=due <= today,
    )


def _held_opening(meeting: Meeting) -> Todo:
    return Todo(
        key=f"meeting-{meeting.pk}",
        title=_("Voting of “%(title)s” did not open: confirm the totals") % {"title": meeting.title},
        detail=_("The estate's totals are not confirmed or no longer match the roster (art. 7)."),
        url=reverse("roster:totals", args=[meeting.estate_id]),
        due_on=selectors.local_day(meeting.voting_opens_at),
        urgent=True,
    )


def convener_meetings(user, today: dt.date) -> Iterator[Todo]:
    """What the convener's meetings before the voting need next (R-MTG-1, R-MTG-2, R-MTG-3,
    R-ROSTER-1); nothing once a meeting is past its day or publicised on time."""
    rows = selectors.convened_by(user).filter(
        status__in=(Meeting.Status.DRAFT, Meeting.Status.SUBMITTED, Meeting.Status.PUBLISHED)
    )
    for meeting in rows.order_by("starts_at", "id"):
        if meeting.status == Meeting.Status.PUBLISHED:
            if meeting.opening_refused_at is not None:
                yield _held_opening(meeting)
        elif selectors.held_on(meeting) > today:
            draft = meeting.status == Meeting.Status.DRAFT
            yield _entry(meeting, today) if draft else _publicity(meeting, today)


SERVICE_DAYS_BEFORE_VOTING = 7  # the to-do appears this many days before the voting opens


def notice_service(user, today: dt.date) -> Iterator[Todo]:
    """The convener's publicised meetings whose voting opens within a week while flats are still
    unserved (R-MTG-10): post the paper notice for them, with its photo. Gone once every flat is
    served or the voting has opened."""
    rows = selectors.convened_by(user).filter(
        status=Meeting.Status.PUBLISHED, opening_refused_at__isnull=True
    )
    for meeting in rows.order_by("voting_opens_at", "id"):
        opens = selectors.local_day(meeting.voting_opens_at)
        if (opens - today).days > SERVICE_DAYS_BEFORE_VOTING:
            continue
        left = served.counts(meeting)["unserved"]
        if not left:
            continue
        yield Todo(
            key=f"service-{meeting.pk}",
            title=ngettext(
                "The notice of “%(title)s” has not reached %(n)d flat",
                "The notice of “%(title)s” has not reached %(n)d flats",
                left,
            )
            % {"title": meeting.title, "n": left},
            detail=_(
                "Voting opens on %(opens)s. Post the printed notice where their owners see it and record "
                "it with a photo."
            )
            % {"opens": opens.isoformat()},
            url=reverse("meetings:service", args=[meeting.pk]),
            due_on=opens,
            urgent=opens <= today,
        )
