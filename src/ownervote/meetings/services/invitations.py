"""The community residents' committee's invitation to attend (art. 12, R-MTG-4): scheduled when the
meeting is publicised, to leave by itself at 09:00 Beijing time three working days before the
meeting; withdrawn and scheduled again when a change moves it, withdrawn when the meeting is
cancelled, moved when the operator corrects the holiday calendar."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from ownervote.notify.services import cancel_pending, notify
from ownervote.rules import schedule
from ownervote.rules.calendar import UnknownYear

from .. import audiences, selectors
from ..models import Meeting
from .common import S, link, when

INVITATION_HOUR = 9  # the invitation leaves at 09:00 Beijing time on its day (R-MTG-4)


def invitation_event(meeting_id: int, version: int) -> str:
    return f"meeting:{meeting_id}:invitation:v{version}"


def cancel_invitations(meeting_id: int) -> int:
    """Withdraw whatever invitation of the meeting has not left yet (any version or date)."""
    return cancel_pending(event_prefix=f"meeting:{meeting_id}:invitation:")


def schedule_invitation(meeting: Meeting, *, event: str = "") -> None:
    """The community committee's invitation to attend, leaving by itself at 09:00 Beijing time
    three working days before the meeting (art. 12, R-MTG-4), with an SMS copy."""
    not_before = dt.datetime.combine(
        meeting.invitation_on, dt.time(INVITATION_HOUR), tzinfo=selectors.beijing()
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            users=audiences.community_committee_users(meeting.estate),
            kind="meeting.invitation",
            title=gettext("Invitation to attend the owners' assembly of %(estate)s")
            % {"estate": meeting.estate.name},
            body=gettext(
                "%(convener)s invites the community residents' committee to attend the meeting “%(title)s” "
                "of %(estate)s at %(when)s, %(place)s (art. 12 of the electronic voting rules)."
            )
            % {
                "convener": meeting.convener.name,
                "title": meeting.title,
                "estate": meeting.estate.name,
                "when": when(meeting.starts_at),
                "place": meeting.place,
            },
            link=link("notice", meeting.pk),
            estate=meeting.estate,
            sms=True,
            event=event or invitation_event(meeting.pk, meeting.version),
            not_before=not_before,
        )


def reschedule_invitations() -> list[int]:
    """After the operator corrects the calendar, every publicised meeting whose invitation has not
    left is invited on the day the corrected calendar gives (R-MTG-4): the pending one is withdrawn
    and a new one scheduled (sent at once when the new day has passed). Returns the meetings'
    ids. A meeting whose day now needs a year the calendar lacks keeps its invitation."""
    cal = selectors.calendar()
    today = timezone.localdate()
    moved = []
    meetings = Meeting.objects.select_for_update().filter(status=S.PUBLISHED, invitation_on__gte=today)
    for meeting in meetings.select_related("estate", "convener").order_by("pk"):
        try:
            new_on = cal.working_days_before(selectors.held_on(meeting), schedule.INVITATION_WORKING_DAYS)
        except UnknownYear:
            continue
        if new_on == meeting.invitation_on:
            continue
        cancel_invitations(meeting.pk)
        meeting.invitation_on = new_on
        meeting.save(update_fields=["invitation_on", "updated_at"])
        schedule_invitation(
            meeting, event=f"{invitation_event(meeting.pk, meeting.version)}:{new_on.isoformat()}"
        )
        moved.append(meeting.pk)
    return moved
