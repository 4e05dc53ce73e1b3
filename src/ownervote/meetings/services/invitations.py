"""The community residents' committee's invitation to attend (art. 12, R-MTG-4): scheduled when the
meeting is publicised, to leave by itself at 09:00 Beijing time three working days before the
meeting; withdrawn and scheduled again when a change moves it, withdrawn when the meeting is
cancelled, moved when the operator corrects the holiday calendar."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from ownervote.audit.services import record
from ownervote.notify import sms_titles
from ownervote.notify.services import cancel_pending, notify, short_title
from ownervote.rules import schedule
from ownervote.rules.calendar import UnknownYear

from .. import audiences, selectors
from ..models import Meeting
from .common import SYSTEM, S, link, when

INVITATION_HOUR = 9  # the invitation leaves at 09:00 Beijing time on its day (R-MTG-4)


def invitation_event(meeting_id: int, version: int) -> str:
    return f"meeting:{meeting_id}:invitation:v{version}"


def cancel_invitations(meeting_id: int) -> int:
    """Withdraw whatever invitation of the meeting has not left yet (any version or date)."""
    return cancel_pending(event_prefix=f"meeting:{meeting_id}:invitation:")


def schedule_invitation(meeting: Meeting, *, event: str = "") -> None:
    """The community committee's invitation to attend, leaving by itself at 09:00 Beijing time
    three working days before the meeting (art. 12, R-MTG-4), with an SMS copy. The number of people
    it is addressed to is kept on the meeting; when the committee has no account it reaches nobody,
    and the convener and the supervising office are told (``_tell_unreachable``)."""
    not_before = dt.datetime.combine(
        meeting.invitation_on, dt.time(INVITATION_HOUR), tzinfo=selectors.beijing()
    )
    invited = audiences.community_committee_users(meeting.estate)
    meeting.invitation_recipients = len(invited)
    meeting.save(update_fields=["invitation_recipients", "updated_at"])
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            users=invited,
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
            # the committee serves several estates: the estate's name is kept where it fits
            sms_title=short_title(sms_titles.MEETING_INVITATION, meeting=meeting.title),
            event=event or invitation_event(meeting.pk, meeting.version),
            not_before=not_before,
        )
        if not invited:
            _tell_unreachable(meeting)


def _tell_unreachable(meeting: Meeting) -> None:
    """The invitation reaches nobody: no account of the estate's community committee is approved
    (R-MTG-4). The convener invites the committee another way; the supervisor (the street office, or
    the district bureau where the street office convenes, R-ORG-3) sees that the committee is not on
    the platform. Told once per meeting; the audit log and the meeting's timeline keep it."""
    community = meeting.estate.community
    record(
        actor=SYSTEM,
        action="meeting.invitation_unreachable",
        obj=meeting,
        estate_id=meeting.estate_id,
        summary={
            "community": meeting.estate.community_id,
            "invitation_on": meeting.invitation_on.isoformat(),
        },
    )
    params = {
        "title": meeting.title,
        "estate": meeting.estate.name,
        "community": community.name if community else "",
        "on": meeting.invitation_on.isoformat(),
    }
    common = {
        "kind": "meeting.invitation_unreachable",
        "title": gettext("The invitation of %(estate)s reaches nobody") % params,
        "link": link("detail", meeting.pk),
        "estate": meeting.estate,
    }
    notify(
        users=audiences.convener_members(meeting),
        body=gettext(
            "%(community)s residents' committee has no account on the platform, so the system's invitation "
            "to attend the meeting “%(title)s” of %(estate)s (due on %(on)s, art. 12) reaches nobody. "
            "Invite the committee in writing or in person, and ask it to register."
        )
        % params,
        event=f"meeting:{meeting.pk}:invitation_unreachable:convener",
        **common,
    )
    notify(
        users=audiences.supervisor_users(meeting),
        body=gettext(
            "%(community)s residents' committee has no account on the platform, so the system's invitation "
            "to attend the meeting “%(title)s” of %(estate)s (due on %(on)s, art. 12) reaches nobody. The "
            "convener was told to invite it another way."
        )
        % params,
        event=f"meeting:{meeting.pk}:invitation_unreachable:supervisor",
        **common,
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
