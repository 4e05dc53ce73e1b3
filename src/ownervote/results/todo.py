"""The results app's entries on the console's home (``core.todo``), with the day each is due
(art. 25, 26; R-RES-2, R-RES-3, counted per R-MTG-8 by ``rules.results``):

- for the convener, each meeting whose voting is over and whose result is not publicised yet: close
  the voting and generate the result, submit it to the supervising office, publicise it; each due by
  the last day of the 3 days after the resolution (art. 26), the voting's close until the result
  exists (the resolution cannot come earlier), then the result's own resolution day;
- for the supervising office (the street office, or the district bureau where the street office
  convenes, R-ORG-3), each submitted result it may still give guidance on, due by the last day of
  its 3 days (art. 25); gone once given or once the window has ended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ownervote.core.todo import Todo
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Meeting
from ownervote.orgs import scoping
from ownervote.rules import results as result_rules

from .models import Result, ResultCorrection, ResultPublicity
from .services import corrections, results

S = Meeting.Status


def _console(meeting: Meeting, anchor: str) -> str:
    return reverse("results:console", args=[meeting.pk]) + anchor


def _todo(meeting: Meeting, title, detail: str, anchor: str, due: dt.date | None, today: dt.date) -> Todo:
    return Todo(
        key=f"result-{meeting.pk}",
        title=title % {"title": meeting.title},
        detail=detail,
        url=_console(meeting, anchor),
        due_on=due,
        urgent=due is not None and due <= today,
    )


def _next_step(meeting: Meeting, today: dt.date) -> Todo | None:
    current = results.current(meeting)
    if current is None:
        closed_on = meeting_selectors.local_day(meeting.voting_closes_at)
        due = result_rules.publicity_due_by(meeting_selectors.calendar(), closed_on)
        title = (
            _("Close the voting of “%(title)s” and generate its result")
            if meeting.status == S.VOTING
            else _("Generate the result of “%(title)s”")
        )
        detail = _(
            "The result is publicised within 3 days of the resolution (art. 26): generate it, print both "
            "tables for the seal and the signatures, and submit them."
        )
        return _todo(meeting, title, detail, "#rr-generate", due, today)
    if ResultPublicity.objects.filter(result=current).exists():
        if corrections.open_correction(meeting) is None:
            return None
        detail = _("A correction is open: enter the late paper ballots, then generate the next version.")
        title = _("Complete the correction of “%(title)s”")
        return _todo(meeting, title, detail, "#rr-generate", None, today)
    due = results.publicity_due_by(current)
    if current.submitted_at is None:
        detail = _(
            "Submit the sealed and signed tables; the office may give guidance within 3 days (art. 25)."
        )
        return _todo(meeting, _("Submit the result of “%(title)s”"), detail, "#rr-submit", due, today)
    start = results.publicise_from(current)
    guided = current.guidance.exists()
    if guided or (start is not None and start <= today):
        detail = _("It may be publicised now, for at least 10 days (art. 26).")
    else:
        detail = _("Publicise it once the guidance is given, or from %(from)s if none is given.") % {
            "from": start.isoformat()
        }
    return _todo(meeting, _("Publicise the result of “%(title)s”"), detail, "#rr-publicity", due, today)


def convener_results(user, today: dt.date) -> Iterator[Todo]:
    # A meeting whose current result is publicised has nothing left to do unless a correction is
    # open: filtered here, so a convener's years of finished meetings cost no query each.
    publicised = Exists(
        ResultPublicity.objects.filter(result__meeting=OuterRef("pk"), result__superseded_at__isnull=True)
    )
    correcting = Exists(ResultCorrection.objects.filter(meeting=OuterRef("pk"), result__isnull=True))
    rows = (
        meeting_selectors.convened_by(user)
        .filter(status__in=(S.VOTING, S.CLOSED), voting_closes_at__lte=timezone.now())
        .filter(~publicised | correcting)
    )
    for meeting in rows.order_by("voting_closes_at", "id"):
        step = _next_step(meeting, today)
        if step is not None:
            yield step


def result_guidance(user, today: dt.date) -> Iterator[Todo]:
    if not scoping.is_supervisor(user):
        return
    rows = (
        Result.objects.filter(
            scoping.supervised_q(user, estate="meeting__estate", convener_kind="meeting__convener__kind"),
            superseded_at__isnull=True,
            submitted_at__isnull=False,
            guidance_ends_on__gte=today,
        )
        .annotate(opinions=Count("guidance"))
        .filter(opinions=0)
        .select_related("meeting", "meeting__estate")
        .order_by("guidance_ends_on", "id")
    )
    for result in rows:
        meeting = result.meeting
        yield Todo(
            key=f"result-guidance-{meeting.pk}",
            title=_("Guidance on the result of “%(title)s” of %(estate)s")
            % {"title": meeting.title, "estate": meeting.estate.name},
            detail=_(
                "Submitted on %(on)s. You may give a guidance opinion until %(until)s (art. 25); the "
                "convener publicises the result after it, or once the window allows."
            )
            % {
                "on": meeting_selectors.local_day(result.submitted_at).isoformat(),
                "until": result.guidance_ends_on.isoformat(),
            },
            url=_console(meeting, "#rr-submit"),
            due_on=result.guidance_ends_on,
            urgent=result.guidance_ends_on <= today,
        )
