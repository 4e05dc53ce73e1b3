"""Publicising a meeting (art. 12, 14; R-MTG-3, R-MTG-5, R-BIND-3): the publicity of a version from
today to the meeting day, the binding list published with it, the community committee's invitation
scheduled (``invitations``), the estate's bound owners told. The opening of the voting is voting's
to schedule: ``signals.meeting_published``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.bindinglist import selectors as list_selectors
from ownervote.bindinglist import services as bindinglist
from ownervote.core.articles import cite
from ownervote.core.errors import Conflict, require
from ownervote.notify import sms_titles
from ownervote.notify.services import notify, short_title
from ownervote.rules import schedule
from ownervote.rules.publicity import PUBLICITY_MIN_DAYS

from .. import audiences, selectors, signals
from ..access import Need, access_meeting
from ..errors import Code
from ..models import Meeting, MeetingDocument, MeetingVersion, Publicity
from .calendar import tells_the_operator_of_missing_years
from .common import S, current_version, link, store_deadlines, transition, when
from .invitations import schedule_invitation
from .service import follow_majority_warning
from .validation import schedule_error


def tell_owners(meeting: Meeting, *, kind: str, title: str, body: str, event: str, sms_title) -> None:
    """The estate's bound owners, by inbox and SMS, with the link to the public notice.
    ``sms_title``: one of ``notify.sms_titles``, filled with the meeting's name shortened. Where
    the estate counts non-voters with the majority, the message carries the warning (R-MTG-10,
    R-TALLY-7); a read inbox message then proves it was shown (``service``)."""
    if meeting.counts_follow_majority:  # frozen at the publicity (issue 24 item 5)
        body = f"{body}\n{follow_majority_warning()}"
    notify(
        users=list_selectors.bound_owner_users(meeting.estate),
        kind=kind,
        title=title,
        body=body,
        link=link("notice", meeting.pk),
        estate=meeting.estate,
        sms=True,
        sms_title=short_title(sms_title, meeting=meeting.title, estate=meeting.estate.name),
        event=event,
    )


def _binding_publication(actor, meeting: Meeting, starts_on: dt.date, ends_on: dt.date, runs_until: dt.date):
    """The binding list publication that runs with the meeting's publicity (art. 14, R-BIND-3).
    A live one running on ``starts_on`` serves the meeting only if it runs until ``runs_until``
    (10 days from ``starts_on``, counted as R-MTG-8 counts periods) or later; a shorter one is
    extended to ``runs_until``; with none running, the list is published now until ``ends_on``.
    A live one announced to start later makes ``publish`` refuse (409 ``publication.overlap``)."""
    running = (
        list_selectors.live_publications(meeting.estate)
        .filter(starts_on__lte=starts_on, ends_on__gte=starts_on)
        .order_by("-ends_on", "-id")
        .first()
    )
    if running is not None and running.ends_on >= runs_until:
        return running
    if running is not None:
        return bindinglist.extend(
            actor=actor,
            publication_id=running.pk,
            ends_on=runs_until,
            reason=gettext(
                "To run at least %(days)d days from the publicity of the meeting “%(title)s” "
                "(from %(start)s)."
            )
            % {"days": PUBLICITY_MIN_DAYS, "title": meeting.title, "start": starts_on.isoformat()},
        )
    return bindinglist.publish(
        actor=actor,
        estate_id=meeting.estate_id,
        starts_on=starts_on,
        ends_on=ends_on,
        note=gettext("Published with the notice of the meeting “%(title)s”.") % {"title": meeting.title},
    )


def publicise(
    meeting: Meeting, actor, version: MeetingVersion, sched: schedule.Schedule, today: dt.date, *, reason: str
) -> Publicity:
    """A publicity of ``version`` from today to the meeting day (at least the 10-day minimum),
    superseding the running one, with the binding list."""
    held = selectors.held_on(meeting)
    shortest = sched.deadline(schedule.PUBLICITY_UNTIL)
    ends_on = max(held, shortest.on if shortest else held)
    Publicity.objects.filter(meeting=meeting, superseded_at__isnull=True).update(superseded_at=timezone.now())
    with translation.override(settings.LANGUAGE_CODE):
        binding_publication = _binding_publication(
            actor, meeting, today, ends_on, shortest.on if shortest else ends_on
        )
    publicity = Publicity.objects.create(
        meeting=meeting,
        version=version,
        starts_on=today,
        ends_on=ends_on,
        reason=reason,
        binding_publication=binding_publication,
        published_by=actor,
    )
    meeting.publicity_starts_on = today
    meeting.publicity_ends_on = ends_on
    # The estate's counting settings are frozen with the first publicity (R-TALLY-7, R-ROSTER-5,
    # issue 24 item 5); a change publicised again keeps them.
    meeting.freeze_counting()
    meeting.save(
        update_fields=[
            "publicity_starts_on",
            "publicity_ends_on",
            "follow_majority",
            "parking_counts",
            "updated_at",
        ]
    )
    return publicity


def _check_publishable(meeting: Meeting) -> None:
    """A first assembly's documents (R-MTG-5) and the estate's community (its committee is invited)."""
    missing = selectors.missing_documents(meeting)
    require(
        not missing,
        Conflict(
            Code.DOCUMENTS_MISSING,
            _("A first owners' assembly is publicised with %(missing)s (art. 12 para. 3). Attach them first.")
            % {"missing": "、".join(str(MeetingDocument.Kind(k).label) for k in missing)},
            details={"missing": missing},
        ),
    )
    require(
        meeting.estate.community_id is not None,
        Conflict(
            Code.NO_COMMUNITY,
            _(
                "The estate's community is not set, so its residents' committee cannot be invited "
                "(art. 12). Complete the estate's details first."
            ),
        ),
    )


def _check_guidance(meeting: Meeting, today: dt.date) -> None:
    """The publicity follows the guidance (art. 12, R-MTG-2, R-MTG-3): it starts once the supervising
    office has given its guidance, or once the 5-day window (R-MTG-8) has run out, or on the last day
    it is still on time (``rules.schedule.publicity_may_start_on``)."""
    from_day = selectors.publicity_from(meeting)
    if from_day is None or today >= from_day:
        return
    params = {"until": meeting.guidance_ends_on.isoformat(), "from": from_day.isoformat()}
    if meeting.supervised_by_district:
        message = _(
            "%(article)s: the district bureau may give its guidance on this meeting until %(until)s, "
            "and the meeting is publicised according to it: publicise it once the guidance is given; "
            "without guidance, from %(from)s."
        )
    else:
        message = _(
            "%(article)s: the street office may give its guidance on this meeting until %(until)s, "
            "and the meeting is publicised according to it: publicise it once the guidance is given; "
            "without guidance, from %(from)s."
        )
    raise Conflict(
        Code.GUIDANCE_PENDING,
        message % {**params, "article": cite("R-MTG-2")},
        details={"guidance_ends_on": params["until"], "publicity_from": params["from"]},
    )


def _tell_owners_published(meeting: Meeting) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        tell_owners(
            meeting,
            kind="meeting.published",
            title=gettext("Owners' assembly: %(title)s") % {"title": meeting.title},
            body=gettext(
                "%(convener)s has publicised the meeting “%(title)s” of %(estate)s, held on %(when)s at "
                "%(place)s. Voting runs from %(opens)s to %(closes)s."
            )
            % {
                "convener": meeting.convener.name,
                "title": meeting.title,
                "estate": meeting.estate.name,
                "when": when(meeting.starts_at),
                "place": meeting.place,
                "opens": when(meeting.voting_opens_at),
                "closes": when(meeting.voting_closes_at),
            },
            event=f"meeting:{meeting.pk}:published",
            sms_title=sms_titles.MEETING_PUBLICISED,
        )


@tells_the_operator_of_missing_years
def meeting_publish(*, actor, meeting_id: int) -> Publicity:
    """Publicise an entered meeting from today to the meeting day, at least 15 days before it is
    held (art. 12, R-MTG-3; 422 ``meeting.schedule``). A first assembly needs every document of
    R-MTG-5 attached (409 ``meeting.documents_missing``, ``details.missing``). The binding list is
    published with it (art. 14); the community committee's invitation is scheduled and the
    opening of the voting (``signals.meeting_published``); the estate's bound owners are told
    (inbox and SMS)."""
    today = timezone.localdate()
    with transaction.atomic():
        meeting = access_meeting(actor, meeting_id, need=Need.MANAGE, lock=True)
        transition(
            meeting, S.PUBLISHED, _("Only an entered meeting that is not publicised yet can be published.")
        )
        _check_publishable(meeting)
        _check_guidance(meeting, today)
        sched = selectors.timeline(meeting, today)
        if not sched.ok:
            raise schedule_error(sched)
        store_deadlines(meeting, sched)
        meeting.status = S.PUBLISHED
        meeting.save()
        version = current_version(meeting)
        publicity = publicise(meeting, actor, version, sched, today, reason="")
        invited = audiences.community_committee_users(meeting.estate)
        record(
            actor=actor,
            action="meeting.published",
            obj=meeting,
            estate_id=meeting.estate_id,
            summary={
                "publicity": publicity.pk,
                "starts_on": publicity.starts_on.isoformat(),
                "ends_on": publicity.ends_on.isoformat(),
                "version": version.number,
                "digest": version.digest,
                "binding_publication": publicity.binding_publication_id,
                "invitation_on": meeting.invitation_on.isoformat() if meeting.invitation_on else None,
                "invited": len(invited),
                "voting_opens_at": when(meeting.voting_opens_at),
                "follow_majority": meeting.follow_majority,
                "parking_counts": meeting.parking_counts,
            },
        )
        schedule_invitation(meeting)
        signals.meeting_published.send(sender=Meeting, meeting=meeting, publicity=publicity)
        _tell_owners_published(meeting)
    return publicity
