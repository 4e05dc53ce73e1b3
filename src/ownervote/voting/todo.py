"""The voting app's entries on the console's home (``core.todo``): for the supervising office (the
street office, or the district bureau where the street office convenes, R-ORG-3) the extension
requests to decide before the voting closes (R-VOTE-5) and the paper counts it was invited to
supervise while they run (R-PAPER-3); for the convener its paper count still open (R-PAPER-3: the
result is generated once it is committed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ownervote.core.todo import Todo
from ownervote.meetings import selectors as meeting_selectors

from . import permissions
from .models import CountSession
from .services import extensions


def extension_requests(user, today: dt.date) -> Iterator[Todo]:
    """Each request waiting for the user's office, due by the day the voting closes now (after
    that it can no longer be extended); gone once decided."""
    if not permissions.can_decide_extensions(user):
        return
    for ext in extensions.pending_for(user):
        meeting = ext.meeting
        due = meeting_selectors.local_day(meeting.voting_closes_at)
        yield Todo(
            key=f"extension-{ext.pk}",
            title=_("Extension of the voting of “%(title)s” to decide") % {"title": meeting.title},
            detail=_("%(convener)s asks to close the voting at %(until)s instead of %(before)s (%(reason)s).")
            % {
                "convener": meeting.convener.name,
                "until": _minute(ext.closes_at_requested),
                "before": _minute(meeting.voting_closes_at),
                "reason": ext.get_reason_display(),
            },
            url=reverse("voting:extensions") + f"#vp-ext-{ext.pk}",
            due_on=due,
            urgent=due <= today,
        )


def _minute(moment: dt.datetime) -> str:
    return timezone.localtime(moment, meeting_selectors.beijing()).strftime("%Y-%m-%d %H:%M")


def _open_sessions():
    return CountSession.objects.filter(status=CountSession.Status.OPEN).select_related(
        "meeting", "meeting__estate"
    )


def count_sessions(user, today: dt.date) -> Iterator[Todo]:
    """The open paper counts the user was invited to supervise (R-PAPER-3); gone once committed."""
    if not getattr(user, "is_authenticated", False):
        return
    for session in _open_sessions().filter(invited=user).order_by("opened_at", "id"):
        meeting = session.meeting
        yield Todo(
            key=f"count-{session.pk}",
            title=_("Paper count of “%(title)s” to supervise") % {"title": meeting.title},
            detail=_("%(estate)s, %(place)s: counting since %(at)s.")
            % {
                "estate": meeting.estate.name,
                "place": session.place or "—",
                "at": _minute(session.opened_at),
            },
            url=reverse("voting:count_session", args=[session.pk]),
            due_on=meeting_selectors.local_day(session.opened_at),
            urgent=True,
        )


def convener_counts(user, today: dt.date) -> Iterator[Todo]:
    """The convener's paper count still open: the result waits for it (R-PAPER-3)."""
    meetings = meeting_selectors.convened_by(user).values("pk")
    for session in _open_sessions().filter(meeting__in=meetings).order_by("opened_at", "id"):
        yield Todo(
            key=f"count-run-{session.pk}",
            title=_("Finish the paper count of “%(title)s”") % {"title": session.meeting.title},
            detail=_(
                "Enter the remaining paper ballots and commit the count; the result is generated after it."
            ),
            url=reverse("voting:count_session", args=[session.pk]),
            due_on=meeting_selectors.local_day(session.opened_at),
            urgent=True,
        )
