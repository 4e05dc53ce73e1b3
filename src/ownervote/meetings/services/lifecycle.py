"""A meeting's life before its voting (R-MTG-1, R-MTG-5, R-MTG-7): set up as a draft, the draft
edited in place, entered in the system (art. 12 "录入…发起投票"), cancelled. Publicity is
``publicity``; the change of an entered meeting is ``changes``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.articles import cite
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, require
from ownervote.notify import sms_titles
from ownervote.notify.services import notify
from ownervote.roster.selectors import latest_snapshot

from .. import audiences, items, permissions, selectors, signals
from ..access import Need, access_estate_to_convene, access_meeting
from ..errors import Code
from ..models import Meeting
from .calendar import tells_the_operator_of_missing_years
from .common import S, clean, link, new_version, store_deadlines, transition, when, write_topics
from .invitations import cancel_invitations
from .publicity import tell_owners
from .validation import check_period, clean_fields, given, invalid, schedule_error

NOT_CHANGEABLE = _("This meeting can no longer be changed.")


def first_needs_preparatory_group() -> Forbidden:
    return Forbidden(
        Code.FIRST_NEEDS_PREPARATORY_GROUP,
        _("A first owners' assembly is convened by the estate's preparatory group (art. 12)."),
    )


def check_first_assembly(actor, meeting: Meeting, kind: str | None) -> None:
    """A meeting made a first assembly stays with a preparatory group (art. 12 para. 3)."""
    if kind == Meeting.Kind.FIRST:
        require(
            permissions.convening_organisation(actor, meeting.estate, Meeting.Kind.FIRST) is not None
            and meeting.convener.kind in permissions.FIRST_ASSEMBLY_KINDS,
            first_needs_preparatory_group(),
        )


@tells_the_operator_of_missing_years
def meeting_create(
    *,
    actor,
    estate_id: int,
    kind: str,
    title: str,
    place: str,
    method: str,
    starts_at: dt.datetime,
    voting_opens_at: dt.datetime,
    voting_closes_at: dt.datetime,
    topics: Sequence,
) -> Meeting:
    """A new draft meeting of ``estate_id`` convened by the actor's organisation (R-MTG-1, R-MTG-7).
    A first assembly only by a preparatory group (art. 12 para. 3). The dates must allow entering
    and publicising it today (422 ``meeting.schedule`` with the earliest date that works)."""
    with transaction.atomic():
        estate = access_estate_to_convene(actor, estate_id, lock=True)
        errors: dict = {}
        fields = clean_fields(
            {
                "kind": kind,
                "title": title,
                "place": place,
                "method": method,
                "starts_at": starts_at,
                "voting_opens_at": voting_opens_at,
                "voting_closes_at": voting_closes_at,
            },
            errors,
        )
        check_period(fields["starts_at"], fields["voting_opens_at"], fields["voting_closes_at"], errors)
        cleaned_topics = items.clean_topics(list(topics or []), errors, estate)
        if errors:
            raise invalid(errors)
        convener = permissions.convening_organisation(actor, estate, fields["kind"])
        require(convener is not None, first_needs_preparatory_group())
        meeting = Meeting(estate=estate, convener=convener, created_by=actor, **fields)
        sched = selectors.timeline(meeting)
        if not sched.ok:
            raise schedule_error(sched)
        store_deadlines(meeting, sched)
        meeting.save()
        write_topics(meeting, cleaned_topics)
        record(
            actor=actor,
            action="meeting.created",
            obj=meeting,
            estate_id=estate.pk,
            summary={
                "kind": meeting.kind,
                "title": meeting.title,
                "starts_at": when(meeting.starts_at),
                "convener": convener.pk,
                "items": sum(len(t["items"]) for t in cleaned_topics),
            },
        )
    return meeting


@tells_the_operator_of_missing_years
def draft_edit(
    *,
    actor,
    meeting_id: int,
    kind: str | None = None,
    title: str | None = None,
    place: str | None = None,
    method: str | None = None,
    starts_at: dt.datetime | None = None,
    voting_opens_at: dt.datetime | None = None,
    voting_closes_at: dt.datetime | None = None,
    topics: Sequence | None = None,
) -> Meeting:
    """Edit a draft in place (``None`` leaves a field as it is; ``topics`` replaces every topic).
    Its dates must still allow entering and publicising it today (422 ``meeting.schedule``). An
    entered meeting is changed with ``changes.meeting_change`` instead (409
    ``meeting.wrong_status`` here)."""
    values = given(
        kind=kind,
        title=title,
        place=place,
        method=method,
        starts_at=starts_at,
        voting_opens_at=voting_opens_at,
        voting_closes_at=voting_closes_at,
    )
    today = timezone.localdate()
    with transaction.atomic():
        meeting = access_meeting(actor, meeting_id, need=Need.MANAGE, lock=True)
        require(meeting.status in Meeting.CHANGEABLE, Conflict(Code.NOT_CHANGEABLE, NOT_CHANGEABLE))
        require(
            meeting.status == S.DRAFT,
            Conflict(
                Code.WRONG_STATUS,
                _(
                    "Only a draft is edited in place: an entered meeting is changed with a reason, "
                    "as a new version."
                ),
            ),
        )
        errors: dict = {}
        fields = clean_fields(values, errors)
        merged = {
            f: fields.get(f, getattr(meeting, f))
            for f in ("starts_at", "voting_opens_at", "voting_closes_at")
        }
        check_period(merged["starts_at"], merged["voting_opens_at"], merged["voting_closes_at"], errors)
        cleaned_topics = (
            items.clean_topics(list(topics), errors, meeting.estate) if topics is not None else None
        )
        if errors:
            raise invalid(errors)
        check_first_assembly(actor, meeting, fields.get("kind"))
        before = selectors.meeting_content(meeting)
        for field, value in fields.items():
            setattr(meeting, field, value)
        sched = selectors.timeline(meeting, today)
        if not sched.ok:
            raise schedule_error(sched)
        store_deadlines(meeting, sched)
        meeting.save()
        if cleaned_topics is not None:
            write_topics(meeting, cleaned_topics)
        after = selectors.meeting_content(meeting)
        record(
            actor=actor,
            action="meeting.changed",
            obj=meeting,
            estate_id=meeting.estate_id,
            summary={"fields": sorted(k for k in after if after[k] != before.get(k)), "reason": ""},
        )
    return meeting


@tells_the_operator_of_missing_years
def meeting_submit(*, actor, meeting_id: int) -> Meeting:
    """Enter the meeting in the system (art. 12 "录入…发起投票", R-MTG-1): at least 20 days before it
    is held (422 ``meeting.schedule`` with the earliest date that works). Version 1 is frozen; the
    street office of the estate's street is told, and may give guidance for 5 days (R-MTG-2)."""
    today = timezone.localdate()
    with transaction.atomic():
        meeting = access_meeting(actor, meeting_id, need=Need.MANAGE, lock=True)
        transition(meeting, S.SUBMITTED, _("Only a draft can be entered."))
        errors: dict = {}
        items.clean_topics(selectors.meeting_content(meeting)["topics"], errors, meeting.estate)
        if errors:
            raise invalid(errors)
        snapshot = latest_snapshot(meeting.estate)
        require(snapshot is not None, totals_unconfirmed(meeting))
        sched = selectors.timeline(meeting, today)
        if not sched.ok:
            raise schedule_error(sched)
        meeting.status = S.SUBMITTED
        meeting.submitted_at = timezone.now()
        meeting.entered_on = today
        sched = selectors.timeline(meeting, today)
        store_deadlines(meeting, sched)
        version = new_version(meeting, actor, "")
        meeting.save()
        record(
            actor=actor,
            action="meeting.submitted",
            obj=meeting,
            estate_id=meeting.estate_id,
            summary={
                "entered_on": today.isoformat(),
                "held_on": selectors.held_on(meeting).isoformat(),
                "guidance_ends_on": meeting.guidance_ends_on.isoformat()
                if meeting.guidance_ends_on
                else None,
                "version": version.number,
                "digest": version.digest,
                "totals_snapshot": snapshot.pk,
            },
        )
        _tell_supervisor_entered(meeting)
    return meeting


def totals_unconfirmed(meeting: Meeting) -> Conflict:
    """The entry without confirmed totals (art. 7, R-ROSTER-1), pointing to the roster's step."""
    url = reverse("roster:totals", args=[meeting.estate_id])
    return Conflict(
        Code.TOTALS_UNCONFIRMED,
        _(
            "%(article)s: the total owners and total voting rights of %(estate)s are not confirmed. "
            "Check the roster and confirm the totals first (roster, step “Confirm the totals”: %(url)s), "
            "then enter the meeting."
        )
        % {"estate": meeting.estate.name, "url": url, "article": cite("R-ROSTER-1")},
        details={"estate": meeting.estate_id, "totals_url": url},
    )


def _tell_supervisor_entered(meeting: Meeting) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            users=audiences.supervisor_users(meeting),
            kind="meeting.entered",
            title=gettext("New meeting entered: %(estate)s") % {"estate": meeting.estate.name},
            body=gettext(
                "%(convener)s entered the meeting “%(title)s” of %(estate)s, held on %(held)s. You may "
                "give a guidance opinion until %(until)s."
            )
            % {
                "convener": meeting.convener.name,
                "title": meeting.title,
                "estate": meeting.estate.name,
                "held": when(meeting.starts_at),
                "until": meeting.guidance_ends_on.isoformat() if meeting.guidance_ends_on else "",
            },
            link=link("detail", meeting.pk),
            estate=meeting.estate,
            event=f"meeting:{meeting.pk}:entered",
        )


def meeting_cancel(*, actor, meeting_id: int, reason: str) -> Meeting:
    """The convener cancels a meeting before voting opens, with the reason. A pending invitation is
    withdrawn; whoever was told of the meeting (the street office once entered, the bound owners
    once publicised) is told."""
    reason = clean(reason)
    with transaction.atomic():
        meeting = access_meeting(actor, meeting_id, need=Need.MANAGE, lock=True)
        transition(
            meeting,
            S.CANCELLED,
            _("This meeting can no longer be cancelled: its voting has opened, or it is cancelled already."),
        )
        require(reason, InvalidInput(Code.REASON_REQUIRED, _("Give the reason for the cancellation.")))
        was = meeting.status
        meeting.status = S.CANCELLED
        meeting.cancelled_at = timezone.now()
        meeting.cancel_reason = reason
        meeting.save()
        withdrawn = cancel_invitations(meeting.pk) if was == S.PUBLISHED else 0
        record(
            actor=actor,
            action="meeting.cancelled",
            obj=meeting,
            estate_id=meeting.estate_id,
            summary={"was": was, "reason": reason, "invitations_withdrawn": withdrawn},
        )
        signals.meeting_cancelled.send(sender=Meeting, meeting=meeting, was=was)
        _tell_cancelled(meeting, was, reason)
    return meeting


def _tell_cancelled(meeting: Meeting, was: str, reason: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("Meeting cancelled: %(title)s") % {"title": meeting.title}
        body = gettext(
            "The meeting “%(title)s” of %(estate)s, planned for %(when)s, is cancelled. Reason: %(reason)s"
        ) % {
            "title": meeting.title,
            "estate": meeting.estate.name,
            "when": when(meeting.starts_at),
            "reason": reason,
        }
        event = f"meeting:{meeting.pk}:cancelled"
        if was != S.DRAFT:
            notify(
                users=audiences.supervisor_users(meeting),
                kind="meeting.cancelled",
                title=title,
                body=body,
                link=link("detail", meeting.pk),
                estate=meeting.estate,
                event=f"{event}:street",
            )
        if was == S.PUBLISHED:
            tell_owners(
                meeting,
                kind="meeting.cancelled",
                title=title,
                body=body,
                event=event,
                sms_title=sms_titles.MEETING_CANCELLED,
            )
