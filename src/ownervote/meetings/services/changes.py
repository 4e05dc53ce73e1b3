"""Changing an entered meeting (art. 12 last para., R-MTG-6): with the reason, as a new version
(every earlier one is kept), publicised again from today when it was publicised (refused, with the
earliest date that works, when that publicity could not run 15 days before the meeting); the
invitation follows the new day, the bound owners and the street office are told, and the opening
of the voting moves with it (``signals.meeting_changed``). A draft is edited in place instead
(``lifecycle.draft_edit``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.errors import Conflict, InvalidInput, require
from ownervote.notify import sms_titles
from ownervote.notify.services import notify
from ownervote.rules import schedule

from .. import audiences, items, selectors, signals
from ..access import Need, access_meeting
from ..errors import Code
from ..models import Meeting
from .calendar import tells_the_operator_of_missing_years
from .common import S, clean, link, new_version, store_deadlines, when, write_topics
from .invitations import cancel_invitations, schedule_invitation
from .lifecycle import NOT_CHANGEABLE, check_first_assembly
from .publicity import publicise, tell_owners
from .validation import change_too_late, check_period, clean_fields, given, invalid, schedule_error


def _check_change(meeting: Meeting, values: dict, reason: str, topics) -> tuple[dict, list[dict] | None]:
    """The change's fields and topics, cleaned; every problem at once (422 ``meeting.invalid``)."""
    errors: dict = {}
    fields = clean_fields(values, errors)
    if "kind" in fields and fields["kind"] != meeting.kind:
        errors["kind"] = _("The kind of an entered meeting cannot change; cancel it and set up a new one.")
    merged = {
        f: fields.get(f, getattr(meeting, f)) for f in ("starts_at", "voting_opens_at", "voting_closes_at")
    }
    check_period(merged["starts_at"], merged["voting_opens_at"], merged["voting_closes_at"], errors)
    cleaned_topics = items.clean_topics(list(topics), errors, meeting.estate) if topics is not None else None
    if not reason:
        errors["reason"] = _("Give the reason for the change.")
    if errors:
        raise invalid(errors)
    return fields, cleaned_topics


@tells_the_operator_of_missing_years
def meeting_change(
    *,
    actor,
    meeting_id: int,
    reason: str = "",
    kind: str | None = None,
    title: str | None = None,
    place: str | None = None,
    method: str | None = None,
    starts_at: dt.datetime | None = None,
    voting_opens_at: dt.datetime | None = None,
    voting_closes_at: dt.datetime | None = None,
    topics: Sequence | None = None,
) -> Meeting:
    """Change an entered meeting until its voting opens (``None`` leaves a field as it is;
    ``topics`` replaces every topic). It needs ``reason`` (422 ``meeting.invalid`` without) and
    keeps every earlier version (a new ``MeetingVersion``); when publicised, it is publicised again
    from today (R-MTG-6): refused with 409 ``meeting.change_too_late`` and
    ``details.earliest_held_on`` when that publicity could not run 15 days before the meeting. The
    old invitation is cancelled and a new one scheduled; owners are told. A draft is refused (409
    ``meeting.wrong_status``: ``draft_edit`` edits it)."""
    values = given(
        kind=kind,
        title=title,
        place=place,
        method=method,
        starts_at=starts_at,
        voting_opens_at=voting_opens_at,
        voting_closes_at=voting_closes_at,
    )
    reason = clean(reason)
    today = timezone.localdate()
    with transaction.atomic():
        meeting = access_meeting(actor, meeting_id, need=Need.MANAGE, lock=True)
        require(meeting.status in Meeting.CHANGEABLE, Conflict(Code.NOT_CHANGEABLE, NOT_CHANGEABLE))
        require(
            meeting.status != S.DRAFT,
            Conflict(
                Code.WRONG_STATUS,
                _("A draft is edited in place: only an entered meeting is changed as a new version."),
            ),
        )
        fields, cleaned_topics = _check_change(meeting, values, reason, topics)
        check_first_assembly(actor, meeting, fields.get("kind"))
        before = selectors.meeting_content(meeting)
        opens_at_was = meeting.voting_opens_at
        for field, value in fields.items():
            setattr(meeting, field, value)
        sched = selectors.preview(starts_at=meeting.starts_at, meeting=meeting, today=today)
        if not sched.ok:
            if any(p.code == schedule.REPUBLICATION_TOO_LATE for p in sched.problems):
                raise change_too_late(sched)
            raise schedule_error(sched)
        store_deadlines(meeting, sched)
        meeting.save()
        if cleaned_topics is not None:
            write_topics(meeting, cleaned_topics)
        after = selectors.meeting_content(meeting)
        require(
            selectors.content_digest(after) != selectors.content_digest(before),
            InvalidInput(Code.UNCHANGED, _("Nothing was changed.")),
        )
        version = new_version(meeting, actor, reason)
        summary: dict = {
            "fields": sorted(k for k in after if after[k] != before.get(k)),
            "reason": reason,
            "version": version.number,
            "digest": version.digest,
        }
        publicity = None
        if meeting.status == S.PUBLISHED:
            publicity = publicise(meeting, actor, version, sched, today, reason=reason)
            summary.update(publicity=publicity.pk, publicity_ends_on=publicity.ends_on.isoformat())
        meeting.save(update_fields=["version"])
        record(
            actor=actor, action="meeting.changed", obj=meeting, estate_id=meeting.estate_id, summary=summary
        )
        if publicity is not None:
            cancel_invitations(meeting.pk)
            schedule_invitation(meeting)
        signals.meeting_changed.send(
            sender=Meeting,
            meeting=meeting,
            version=version,
            publicity=publicity,
            voting_opens_at_was=opens_at_was,
        )
        if publicity is not None:
            _tell_owners_changed(meeting, reason)
        _tell_supervisor_changed(meeting, reason)
    return meeting


def _tell_owners_changed(meeting: Meeting, reason: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        tell_owners(
            meeting,
            kind="meeting.changed",
            title=gettext("Meeting changed: %(title)s") % {"title": meeting.title},
            body=gettext(
                "The meeting “%(title)s” of %(estate)s was changed and is publicised again: held on %(when)s "
                "at %(place)s; voting from %(opens)s to %(closes)s. Reason: %(reason)s"
            )
            % {
                "title": meeting.title,
                "estate": meeting.estate.name,
                "when": when(meeting.starts_at),
                "place": meeting.place,
                "opens": when(meeting.voting_opens_at),
                "closes": when(meeting.voting_closes_at),
                "reason": reason,
            },
            event=f"meeting:{meeting.pk}:changed:v{meeting.version}",
            sms_title=sms_titles.MEETING_CHANGED,
        )


def _tell_supervisor_changed(meeting: Meeting, reason: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            users=audiences.supervisor_users(meeting),
            kind="meeting.changed",
            title=gettext("Meeting changed: %(title)s") % {"title": meeting.title},
            body=gettext(
                "%(convener)s changed the meeting “%(title)s” of %(estate)s (version %(version)d). "
                "Reason: %(reason)s"
            )
            % {
                "convener": meeting.convener.name,
                "title": meeting.title,
                "estate": meeting.estate.name,
                "version": meeting.version,
                "reason": reason,
            },
            link=link("detail", meeting.pk),
            estate=meeting.estate,
            event=f"meeting:{meeting.pk}:changed:v{meeting.version}:street",
        )
