"""Owners' assembly meetings: setting one up, entering it (R-MTG-1), the street office's guidance
(R-MTG-2), publicising it with the binding list (R-MTG-3, R-MTG-5, R-BIND-3), the community
committee's invitation (R-MTG-4), changes (R-MTG-6), cancelling, opening the voting with the
ownership re-check and the eligibility snapshot (R-BIND-2, R-VOTE-4), and the operator's holiday
calendar.

Each change is one transaction: scope and permission check, row lock, the state transition
(``Meeting.TRANSITIONS``), validation with structured errors, the change, its audit event (estate
stream) and the messages it causes, written to the outbox in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.bindinglist import selectors as list_selectors
from ownervote.bindings.models import Binding
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError, require
from ownervote.core.files import Upload
from ownervote.core.files import read as read_file
from ownervote.core.files import store as store_file
from ownervote.core.models import StoredFile
from ownervote.orgs import scoping
from ownervote.roster.models import Estate
from ownervote.rules import schedule
from ownervote.rules.calendar import UnknownYear, YearTable

from . import explain, permissions, selectors
from .models import (
    CalendarYear,
    CalendarYearRequest,
    Candidate,
    Eligibility,
    Guidance,
    Item,
    Meeting,
    MeetingDocument,
    MeetingVersion,
    Publicity,
    Topic,
)

S = Meeting.Status

MAX_TOPICS = 50
MAX_ITEMS = 200
MAX_CANDIDATES = 200
MAX_TEXT = 4000
INVITATION_HOUR = 9  # the invitation leaves at 09:00 Beijing time on its day (R-MTG-4)
SYSTEM = "system"  # the audit log's actor for what the system does by itself

FORBIDDEN = _("Only the meeting's convener can do this.")

# What a meeting document may be: sniffed from the content, never taken from the client.
_SIGNATURES = (
    (b"%PDF-", "application/pdf", ()),
    (b"\x89PNG\r\n\x1a\n", "image/png", ()),
    (b"\xff\xd8\xff", "image/jpeg", ()),
    (b"PK\x03\x04", "", (".docx", ".xlsx")),  # Office Open XML
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "", (".doc", ".xls")),  # legacy Office
)
_OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
}


# --- helpers ----------------------------------------------------------------------------------


def _notify(**kwargs) -> None:
    """Messages through the outbox, in the platform's language (people read Chinese)."""
    from ownervote.notify.services import notify

    notify(**kwargs)


def _cancel_invitations(meeting_id: int) -> int:
    """Withdraw whatever invitation of the meeting has not left yet (any version or date)."""
    from ownervote.notify.services import cancel_pending

    return cancel_pending(event_prefix=f"meeting:{meeting_id}:invitation:")


def _clean(text, limit: int = MAX_TEXT) -> str:
    return str(text or "").strip()[:limit]


def _link(name: str, *args) -> str:
    return reverse(f"meetings:{name}", args=args)


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment, selectors.beijing()).strftime("%Y-%m-%d %H:%M")


_aware = selectors.aware


def _missing_years(exc: ServiceError) -> list[dict]:
    """The ``unknown_year`` problems of a refused schedule (R-MTG-4), as the error details list them."""
    if exc.code not in ("meeting.schedule", "meeting.change_too_late") or not isinstance(exc.details, dict):
        return []
    return [p for p in exc.details.get("problems", ()) if p.get("code") == schedule.UNKNOWN_YEAR]


def _tells_the_operator_of_missing_years(service):
    """A meeting refused because its dates need a year of the holiday calendar that is not loaded
    (R-MTG-4): once the refused change is rolled back, the refusal is kept in a transaction of its
    own (``calendar_year_wanted``: the city operator is told, once per year, and the convener will
    be told when the year is loaded) and the convener's message says so. Nothing of the meeting is
    kept. (Inside a caller's transaction, the record is the caller's to commit.)"""

    @functools.wraps(service)
    def wrapper(*, actor, **kwargs):
        try:
            return service(actor=actor, **kwargs)
        except (InvalidInput, Conflict) as exc:
            missing = _missing_years(exc)
            if not missing:
                raise
            meeting = Meeting.objects.filter(pk=kwargs.get("meeting_id", 0))
            found = meeting.values("estate_id", "title").first() or {}
            estate_id = kwargs.get("estate_id") or found.get("estate_id")
            title = kwargs.get("title") or found.get("title", "")
            calendar_year_wanted(actor=actor, estate_id=estate_id, title=title, problems=missing)
            for problem in missing:  # the error's details, where the page and the API read them
                problem["message"] = _(
                    "%(problem)s The city operator has been told; you will be told here when the holidays "
                    "of %(years)s are loaded, and can then enter the meeting again."
                ) % {"problem": problem["message"], "years": problem["year"]}
            exc.message = missing[0]["message"]
            raise

    return wrapper


def _locked_meeting(actor, meeting_id: int, *, manage: bool = True) -> Meeting:
    """The meeting, locked: NotFound when ``actor`` may not see it, Forbidden when they see it but
    do not convene it (``manage``)."""
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("meeting.not_found", selectors.NOT_FOUND)
    meeting = Meeting.objects.select_related("estate", "estate__street", "estate__community", "convener").get(
        pk=meeting.pk
    )
    require(permissions.can_see_meeting(actor, meeting), NotFound("meeting.not_found", selectors.NOT_FOUND))
    if manage:
        require(permissions.can_manage(actor, meeting), Forbidden("meeting.forbidden", FORBIDDEN))
    return meeting


def _transition(meeting: Meeting, to: str, message) -> None:
    require(to in Meeting.TRANSITIONS[S(meeting.status)], Conflict("meeting.wrong_status", message))


# --- validation -------------------------------------------------------------------------------


def _number(value) -> int | None:
    """An int from the input, None when absent ("" / None); raises ValueError when not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float) and not value.is_integer():
        raise ValueError
    return int(value)


def _clean_fields(values: dict, errors: dict) -> dict:
    """Kind, title, place, method and the three datetimes, cleaned; problems into ``errors``."""
    out: dict = {}
    if "kind" in values:
        out["kind"] = values["kind"]
        if values["kind"] not in Meeting.Kind.values:
            errors["kind"] = _("Choose a regular, temporary or first meeting.")
    if "title" in values:
        out["title"] = _clean(values["title"], 1000)
        if not out["title"]:
            errors["title"] = _("Give the meeting a title.")
        elif len(out["title"]) > 200:
            errors["title"] = _("At most %(n)d characters.") % {"n": 200}
    if "place" in values:
        out["place"] = _clean(values["place"], 1000)
        if not out["place"]:
            errors["place"] = _("Say where the meeting is held.")
        elif len(out["place"]) > 300:
            errors["place"] = _("At most %(n)d characters.") % {"n": 300}
    if "method" in values:
        out["method"] = values["method"]
        if values["method"] not in Meeting.Method.values:
            errors["method"] = _("Choose electronic, paper, or electronic voting with paper as a supplement.")
    for field in ("starts_at", "voting_opens_at", "voting_closes_at"):
        if field in values:
            out[field] = _aware(values[field])
            if out[field] is None:
                errors[field] = _("Give a date and time.")
    return out


def _check_period(starts_at, opens_at, closes_at, errors: dict) -> None:
    """The voting period lies in the meeting: it opens when the meeting starts or later, and
    closes after it opens (R-MTG-1: "投票时间")."""
    if None in (starts_at, opens_at, closes_at):
        return
    if opens_at < starts_at:
        errors.setdefault("voting_opens_at", _("Voting cannot open before the meeting starts."))
    if closes_at <= opens_at:
        errors.setdefault("voting_closes_at", _("Voting must close after it opens."))


def _clean_topics(topics, errors: dict) -> list[dict]:
    """The topics input, cleaned: at least one topic, each with at least one item; an election
    has seats, 1 <= choices per ballot <= seats, and at least as many candidates as seats."""
    if not isinstance(topics, list | tuple) or not topics:
        errors["topics"] = _("Add at least one topic.")
        return []
    if len(topics) > MAX_TOPICS:
        errors["topics"] = _("At most %(n)d topics.") % {"n": MAX_TOPICS}
        return []
    cleaned, item_count = [], 0
    for t, topic in enumerate(topics):
        at = f"topics.{t}"
        if not isinstance(topic, dict):
            errors[at] = _("A topic needs a title and its voting items.")
            continue
        title = _clean(topic.get("title"), 1000)
        if not title:
            errors[f"{at}.title"] = _("Give the topic a title.")
        elif len(title) > 200:
            errors[f"{at}.title"] = _("At most %(n)d characters.") % {"n": 200}
        items = topic.get("items") or []
        if not isinstance(items, list | tuple) or not items:
            errors[f"{at}.items"] = _("Add at least one voting item to this topic.")
            items = []
        item_count += len(items)
        out_items = []
        for i, item in enumerate(items):
            out_items.append(_clean_item(item, f"{at}.items.{i}", errors))
        cleaned.append({"title": title, "description": _clean(topic.get("description")), "items": out_items})
    if item_count > MAX_ITEMS:
        errors["topics"] = _("At most %(n)d voting items.") % {"n": MAX_ITEMS}
    return cleaned


def _clean_item(item, at: str, errors: dict) -> dict:
    if not isinstance(item, dict):
        errors[at] = _("A voting item needs a title, a kind and a decision category.")
        return {}
    title = _clean(item.get("title"), 1000)
    if not title:
        errors[f"{at}.title"] = _("Give the voting item a title.")
    elif len(title) > 300:
        errors[f"{at}.title"] = _("At most %(n)d characters.") % {"n": 300}
    kind = item.get("kind")
    if kind not in Item.Kind.values:
        errors[f"{at}.kind"] = _("Choose a yes / no / abstain question or an election.")
    try:
        category = _number(item.get("category"))
    except (TypeError, ValueError):
        category = None
    if category not in Item.Category.values:
        errors[f"{at}.category"] = _("Choose one of the nine decision categories of Civil Code art. 278.")
    out = {
        "title": title,
        "description": _clean(item.get("description")),
        "kind": kind,
        "category": category,
        "seats": None,
        "max_choices": None,
        "candidates": [],
    }
    candidates = item.get("candidates") or []
    if kind == Item.Kind.QUESTION:
        if candidates:
            errors[f"{at}.candidates"] = _("Only an election has candidates.")
        for field in ("seats", "max_choices"):
            if item.get(field) not in (None, "", 0):
                errors[f"{at}.{field}"] = _("Only an election has seats and choices per ballot.")
        return out
    if kind != Item.Kind.ELECTION:
        return out
    try:
        seats = _number(item.get("seats"))
    except (TypeError, ValueError):
        seats = None
    try:
        max_choices = _number(item.get("max_choices"))
    except (TypeError, ValueError):
        max_choices = None
    if seats is None or seats < 1:
        errors[f"{at}.seats"] = _("An election fills at least one seat.")
    if max_choices is None or max_choices < 1:
        errors[f"{at}.max_choices"] = _("A ballot may mark at least one candidate.")
    elif seats is not None and seats >= 1 and max_choices > seats:
        errors[f"{at}.max_choices"] = _(
            "A ballot may mark at most as many candidates as there are seats (%(n)d)."
        ) % {"n": seats}
    if not isinstance(candidates, list | tuple):
        candidates = []
    if len(candidates) > MAX_CANDIDATES:
        errors[f"{at}.candidates"] = _("At most %(n)d candidates.") % {"n": MAX_CANDIDATES}
    names: set[str] = set()
    cleaned = []
    for c, candidate in enumerate(candidates):
        candidate = candidate if isinstance(candidate, dict) else {}
        name = _clean(candidate.get("name"), 1000)
        if not name:
            errors[f"{at}.candidates.{c}.name"] = _("Give the candidate's name.")
        elif len(name) > 100:
            errors[f"{at}.candidates.{c}.name"] = _("At most %(n)d characters.") % {"n": 100}
        elif name in names:
            errors[f"{at}.candidates.{c}.name"] = _("This candidate is listed twice.")
        names.add(name)
        cleaned.append({"name": name, "profile": _clean(candidate.get("profile"))})
    if seats is not None and seats >= 1 and len(cleaned) < seats:
        errors.setdefault(
            f"{at}.candidates",
            _("An election for %(seats)d seats needs at least %(seats)d candidates.") % {"seats": seats},
        )
    out.update(seats=seats, max_choices=max_choices, candidates=cleaned)
    return out


def _invalid(errors: dict) -> InvalidInput:
    first = next(iter(errors.values()))
    return InvalidInput(
        "meeting.invalid",
        _("Check the meeting: %(first)s") % {"first": first},
        details={"fields": {k: str(v) for k, v in errors.items()}},
    )


def _schedule_error(sched: schedule.Schedule) -> InvalidInput:
    problems = explain.problems_detail(sched.problems)
    earliest = explain.earliest_of(sched.problems)
    return InvalidInput(
        "meeting.schedule",
        problems[0]["message"],
        details={"problems": problems, "earliest_held_on": earliest.isoformat() if earliest else None},
    )


def _change_too_late(sched: schedule.Schedule) -> Conflict:
    problems = explain.problems_detail(sched.problems)
    earliest = explain.earliest_of(sched.problems)
    return Conflict(
        "meeting.change_too_late",
        problems[0]["message"],
        details={"problems": problems, "earliest_held_on": earliest.isoformat() if earliest else None},
    )


# --- writing a meeting's content --------------------------------------------------------------


def _write_topics(meeting: Meeting, topics: list[dict]) -> None:
    """Replace the meeting's topics, items and candidates (only before voting: nothing refers to
    them yet)."""
    Topic.objects.filter(meeting=meeting).delete()
    position = 0
    for t, topic in enumerate(topics, start=1):
        row = Topic.objects.create(
            meeting=meeting, position=t, title=topic["title"], description=topic["description"]
        )
        for item in topic["items"]:
            position += 1
            item_row = Item.objects.create(
                meeting=meeting,
                topic=row,
                position=position,
                title=item["title"],
                description=item["description"],
                kind=item["kind"],
                category=item["category"],
                seats=item["seats"],
                max_choices=item["max_choices"],
            )
            Candidate.objects.bulk_create(
                Candidate(item=item_row, position=c, name=cand["name"], profile=cand["profile"])
                for c, cand in enumerate(item["candidates"], start=1)
            )


def _store_deadlines(meeting: Meeting, sched: schedule.Schedule) -> None:
    """The computed days the worker and the lists need (R-MTG-2, R-MTG-4)."""
    invitation = sched.deadline(schedule.INVITATION_ON)
    meeting.invitation_on = invitation.on if invitation else None
    if meeting.entered_on is not None:
        guidance = sched.deadline(schedule.GUIDANCE_UNTIL)
        meeting.guidance_ends_on = guidance.on if guidance else None


def _new_version(meeting: Meeting, actor, reason: str) -> MeetingVersion:
    content = selectors.meeting_content(meeting)
    number = (meeting.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = MeetingVersion.objects.create(
        meeting=meeting,
        number=number,
        content=content,
        digest=selectors.content_digest(content),
        reason=reason,
        created_by=actor,
    )
    meeting.version = number
    return version


def _current_version(meeting: Meeting) -> MeetingVersion:
    return meeting.versions.get(number=meeting.version)


# --- set up and change ------------------------------------------------------------------------


@_tells_the_operator_of_missing_years
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
    topics: Sequence[dict],
) -> Meeting:
    """A new draft meeting of ``estate_id`` convened by the actor's organisation (R-MTG-1, R-MTG-7).
    A first assembly only by a preparatory group (art. 12 para. 3). The dates must allow entering
    and publicising it today (422 ``meeting.schedule`` with the earliest date that works)."""
    with transaction.atomic():
        estate = Estate.objects.select_for_update().filter(pk=estate_id).first()
        require(
            estate is not None and scoping.can_see_estate(actor, estate),
            NotFound("estate.not_found", _("Estate not found.")),
        )
        require(
            permissions.can_convene(actor, estate),
            Forbidden("meeting.forbidden", _("Only the estate's approved convener can set up a meeting.")),
        )
        errors: dict = {}
        fields = _clean_fields(
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
        _check_period(fields["starts_at"], fields["voting_opens_at"], fields["voting_closes_at"], errors)
        cleaned_topics = _clean_topics(list(topics or []), errors)
        if errors:
            raise _invalid(errors)
        convener = permissions.convening_organisation(actor, estate, fields["kind"])
        require(
            convener is not None,
            Forbidden(
                "meeting.first_needs_preparatory_group",
                _("A first owners' assembly is convened by the estate's preparatory group (art. 12)."),
            ),
        )
        meeting = Meeting(estate=estate, convener=convener, created_by=actor, **fields)
        sched = selectors.timeline(meeting)
        if not sched.ok:
            raise _schedule_error(sched)
        _store_deadlines(meeting, sched)
        meeting.save()
        _write_topics(meeting, cleaned_topics)
        record(
            actor=actor,
            action="meeting.created",
            obj=meeting,
            estate_id=estate.pk,
            summary={
                "kind": meeting.kind,
                "title": meeting.title,
                "starts_at": _when(meeting.starts_at),
                "convener": convener.pk,
                "items": sum(len(t["items"]) for t in cleaned_topics),
            },
        )
    return meeting


@_tells_the_operator_of_missing_years
def meeting_update(
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
    topics: Sequence[dict] | None = None,
) -> Meeting:
    """Change a meeting until it is held (``None`` leaves a field as it is). A draft is edited in
    place. Once entered, a change needs ``reason``, keeps every earlier version (a new
    ``MeetingVersion``) and, when publicised, is publicised again from today (R-MTG-6): refused with
    409 ``meeting.change_too_late`` and ``details.earliest_held_on`` when that publicity could not
    run 15 days before the meeting. The old invitation is cancelled and a new one scheduled;
    owners are told."""
    given = {
        k: v
        for k, v in {
            "kind": kind,
            "title": title,
            "place": place,
            "method": method,
            "starts_at": starts_at,
            "voting_opens_at": voting_opens_at,
            "voting_closes_at": voting_closes_at,
        }.items()
        if v is not None
    }
    reason = _clean(reason)
    today = timezone.localdate()
    with transaction.atomic():
        meeting = _locked_meeting(actor, meeting_id)
        require(
            meeting.status in Meeting.CHANGEABLE,
            Conflict("meeting.not_changeable", _("This meeting can no longer be changed.")),
        )
        entered = meeting.status != S.DRAFT
        errors: dict = {}
        fields = _clean_fields(given, errors)
        if entered and "kind" in fields and fields["kind"] != meeting.kind:
            errors["kind"] = _(
                "The kind of an entered meeting cannot change; cancel it and set up a new one."
            )
        merged = {
            f: fields.get(f, getattr(meeting, f))
            for f in ("starts_at", "voting_opens_at", "voting_closes_at")
        }
        _check_period(merged["starts_at"], merged["voting_opens_at"], merged["voting_closes_at"], errors)
        cleaned_topics = _clean_topics(list(topics), errors) if topics is not None else None
        if entered and not reason:
            errors["reason"] = _("Give the reason for the change.")
        if errors:
            raise _invalid(errors)
        if "kind" in fields and fields["kind"] == Meeting.Kind.FIRST:
            require(
                permissions.convening_organisation(actor, meeting.estate, Meeting.Kind.FIRST) is not None
                and meeting.convener.kind in permissions.FIRST_ASSEMBLY_KINDS,
                Forbidden(
                    "meeting.first_needs_preparatory_group",
                    _("A first owners' assembly is convened by the estate's preparatory group (art. 12)."),
                ),
            )
        before = selectors.meeting_content(meeting)
        old_opens_at = meeting.voting_opens_at
        for field, value in fields.items():
            setattr(meeting, field, value)
        if entered:
            sched = selectors.preview(starts_at=meeting.starts_at, meeting=meeting, today=today)
            if not sched.ok:
                if any(p.code == schedule.REPUBLICATION_TOO_LATE for p in sched.problems):
                    raise _change_too_late(sched)
                raise _schedule_error(sched)
        else:
            sched = selectors.timeline(meeting, today)
            if not sched.ok:
                raise _schedule_error(sched)
        _store_deadlines(meeting, sched)
        meeting.save()
        if cleaned_topics is not None:
            _write_topics(meeting, cleaned_topics)
        after = selectors.meeting_content(meeting)
        require(
            not entered or selectors.content_digest(after) != selectors.content_digest(before),
            InvalidInput("meeting.unchanged", _("Nothing was changed.")),
        )
        summary: dict = {"fields": sorted(k for k in after if after[k] != before.get(k)), "reason": reason}
        publicity = None
        if entered:
            version = _new_version(meeting, actor, reason)
            summary.update(version=version.number, digest=version.digest)
            if meeting.status == S.PUBLISHED:
                publicity = _publicise(meeting, actor, version, sched, today, reason=reason)
                summary.update(publicity=publicity.pk, publicity_ends_on=publicity.ends_on.isoformat())
            meeting.save(update_fields=["version"])
        record(
            actor=actor, action="meeting.changed", obj=meeting, estate_id=meeting.estate_id, summary=summary
        )
        if publicity is not None:
            _cancel_invitations(meeting.pk)
            _schedule_invitation(meeting)
            if meeting.voting_opens_at != old_opens_at:
                _enqueue_voting_open(meeting)
            _tell_owners_changed(meeting, reason)
        if entered:
            _tell_street_office_changed(meeting, reason)
    return meeting


# --- entry (R-MTG-1) and guidance (R-MTG-2) ---------------------------------------------------


@_tells_the_operator_of_missing_years
def meeting_submit(*, actor, meeting_id: int) -> Meeting:
    """Enter the meeting in the system (art. 12 "录入…发起投票", R-MTG-1): at least 20 days before it
    is held (422 ``meeting.schedule`` with the earliest date that works). Version 1 is frozen; the
    street office of the estate's street is told, and may give guidance for 5 days (R-MTG-2)."""
    today = timezone.localdate()
    with transaction.atomic():
        meeting = _locked_meeting(actor, meeting_id)
        _transition(meeting, S.SUBMITTED, _("Only a draft can be entered."))
        errors: dict = {}
        _clean_topics(selectors.meeting_content(meeting)["topics"], errors)
        if errors:
            raise _invalid(errors)
        sched = selectors.timeline(meeting, today)
        if not sched.ok:
            raise _schedule_error(sched)
        meeting.status = S.SUBMITTED
        meeting.submitted_at = timezone.now()
        meeting.entered_on = today
        sched = selectors.timeline(meeting, today)
        _store_deadlines(meeting, sched)
        version = _new_version(meeting, actor, "")
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
            },
        )
        with translation.override(settings.LANGUAGE_CODE):
            _notify(
                users=permissions.street_office_users(meeting.estate),
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
                    "held": _when(meeting.starts_at),
                    "until": meeting.guidance_ends_on.isoformat() if meeting.guidance_ends_on else "",
                },
                link=_link("detail", meeting.pk),
                estate=meeting.estate,
                event=f"meeting:{meeting.pk}:entered",
            )
    return meeting


def guidance_give(*, actor, meeting_id: int, text: str) -> Guidance:
    """The street office of the estate's street gives a guidance opinion on an entered meeting,
    within 5 days of its entry (art. 12, R-MTG-2; 409 ``meeting.guidance_closed`` after). The
    convener is told."""
    text = _clean(text)
    today = timezone.localdate()
    with transaction.atomic():
        meeting = _locked_meeting(actor, meeting_id, manage=False)
        require(
            permissions.can_guide(actor, meeting),
            Forbidden(
                "meeting.guidance_forbidden",
                _("Only the street office of the estate's street gives guidance."),
            ),
        )
        require(
            meeting.status in (S.SUBMITTED, S.PUBLISHED),
            Conflict("meeting.wrong_status", _("Guidance is given on an entered meeting before voting.")),
        )
        require(
            selectors.guidance_open(meeting, today),
            Conflict(
                "meeting.guidance_closed",
                _("The guidance window ended on %(date)s (5 days after the entry, art. 12).")
                % {"date": meeting.guidance_ends_on.isoformat() if meeting.guidance_ends_on else ""},
                details={
                    "guidance_ends_on": meeting.guidance_ends_on.isoformat()
                    if meeting.guidance_ends_on
                    else None
                },
            ),
        )
        require(text, InvalidInput("meeting.guidance_required", _("Write the guidance opinion.")))
        organisation = scoping.street_office_of(actor, meeting.estate)
        guidance = Guidance.objects.create(
            meeting=meeting,
            organisation=organisation,
            author=actor,
            author_real_name=actor.display_name(),
            version=meeting.version,
            text=text,
        )
        record(
            actor=actor,
            action="meeting.guidance_given",
            obj=guidance,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                "version": meeting.version,
                "organisation": organisation.pk,
                "author_real_name": guidance.author_real_name,
                "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            },
        )
        with translation.override(settings.LANGUAGE_CODE):
            _notify(
                users=permissions.convener_members(meeting),
                kind="meeting.guidance",
                title=gettext("Guidance from %(office)s") % {"office": organisation.name},
                body=gettext("%(office)s gave a guidance opinion on the meeting “%(title)s”:\n%(text)s")
                % {"office": organisation.name, "title": meeting.title, "text": text},
                link=_link("detail", meeting.pk),
                estate=meeting.estate,
                event=f"meeting:{meeting.pk}:guidance:{guidance.pk}",
            )
    return guidance


# --- publicity (R-MTG-3, R-MTG-5, R-BIND-3) ---------------------------------------------------


def _binding_publication(actor, meeting: Meeting, starts_on: dt.date, ends_on: dt.date):
    """The binding list publication that runs with the meeting's publicity (art. 14): a live one
    already sharing the period is linked, else the list is published now, for the same period."""
    from ownervote.bindinglist import services as bindinglist

    live = (
        list_selectors.live_publications(meeting.estate)
        .filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        .order_by("-ends_on", "-id")
        .first()
    )
    if live is not None:
        return live
    return bindinglist.publish(
        actor=actor,
        estate_id=meeting.estate_id,
        starts_on=starts_on,
        ends_on=ends_on,
        note=gettext("Published with the notice of the meeting “%(title)s”.") % {"title": meeting.title},
    )


def _publicise(
    meeting: Meeting, actor, version: MeetingVersion, sched: schedule.Schedule, today: dt.date, *, reason: str
) -> Publicity:
    """A publicity of ``version`` from today to the meeting day (at least the 10-day minimum),
    superseding the running one, with the binding list."""
    held = selectors.held_on(meeting)
    shortest = sched.deadline(schedule.PUBLICITY_UNTIL)
    ends_on = max(held, shortest.on if shortest else held)
    Publicity.objects.filter(meeting=meeting, superseded_at__isnull=True).update(superseded_at=timezone.now())
    with translation.override(settings.LANGUAGE_CODE):
        binding_publication = _binding_publication(actor, meeting, today, ends_on)
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
    meeting.save(update_fields=["publicity_starts_on", "publicity_ends_on", "updated_at"])
    return publicity


def _invitation_event(meeting_id: int, version: int) -> str:
    return f"meeting:{meeting_id}:invitation:v{version}"


def _schedule_invitation(meeting: Meeting, *, event: str = "") -> None:
    """The community committee's invitation to attend, leaving by itself at 09:00 Beijing time
    three working days before the meeting (art. 12, R-MTG-4), with an SMS copy."""
    not_before = dt.datetime.combine(
        meeting.invitation_on, dt.time(INVITATION_HOUR), tzinfo=selectors.beijing()
    )
    with translation.override(settings.LANGUAGE_CODE):
        _notify(
            users=permissions.community_committee_users(meeting.estate),
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
                "when": _when(meeting.starts_at),
                "place": meeting.place,
            },
            link=_link("notice", meeting.pk),
            estate=meeting.estate,
            sms=True,
            event=event or _invitation_event(meeting.pk, meeting.version),
            not_before=not_before,
        )


def _enqueue_voting_open(meeting: Meeting) -> None:
    """The opening of the voting at ``voting_opens_at``. With the database queue the task row is
    written in this transaction, so it exists exactly when the publication commits; another task
    backend gets it after the commit. It does nothing when the time has moved since (a newer task
    carries the new time)."""
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    from .tasks import open_voting

    task = open_voting.using(run_after=meeting.voting_opens_at)
    kwargs = {"meeting_id": meeting.pk, "opens_at": meeting.voting_opens_at.isoformat()}
    if isinstance(task_backends[open_voting.backend], DatabaseBackend):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs))


def _tell_owners(meeting: Meeting, *, kind: str, title: str, body: str, event: str) -> None:
    _notify(
        users=list_selectors.bound_owner_users(meeting.estate),
        kind=kind,
        title=title,
        body=body,
        link=_link("notice", meeting.pk),
        estate=meeting.estate,
        sms=True,
        event=event,
    )


@_tells_the_operator_of_missing_years
def meeting_publish(*, actor, meeting_id: int) -> Publicity:
    """Publicise an entered meeting from today to the meeting day, at least 15 days before it is
    held (art. 12, R-MTG-3; 422 ``meeting.schedule``). A first assembly needs every document of
    R-MTG-5 attached (409 ``meeting.documents_missing``, ``details.missing``). The binding list is
    published with it (art. 14); the community committee's invitation and the opening of the
    voting are scheduled; the estate's bound owners are told (inbox and SMS)."""
    today = timezone.localdate()
    with transaction.atomic():
        meeting = _locked_meeting(actor, meeting_id)
        _transition(
            meeting, S.PUBLISHED, _("Only an entered meeting that is not publicised yet can be published.")
        )
        missing = selectors.missing_documents(meeting)
        require(
            not missing,
            Conflict(
                "meeting.documents_missing",
                _(
                    "A first owners' assembly is publicised with %(missing)s (art. 12 para. 3). "
                    "Attach them first."
                )
                % {"missing": "、".join(str(MeetingDocument.Kind(k).label) for k in missing)},
                details={"missing": missing},
            ),
        )
        require(
            meeting.estate.community_id is not None,
            Conflict(
                "meeting.no_community",
                _(
                    "The estate's community is not set, so its residents' committee cannot be invited "
                    "(art. 12). Complete the estate's details first."
                ),
            ),
        )
        sched = selectors.timeline(meeting, today)
        if not sched.ok:
            raise _schedule_error(sched)
        _store_deadlines(meeting, sched)
        meeting.status = S.PUBLISHED
        meeting.save()
        version = _current_version(meeting)
        publicity = _publicise(meeting, actor, version, sched, today, reason="")
        invited = permissions.community_committee_users(meeting.estate)
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
                "voting_opens_at": _when(meeting.voting_opens_at),
            },
        )
        _schedule_invitation(meeting)
        _enqueue_voting_open(meeting)
        with translation.override(settings.LANGUAGE_CODE):
            _tell_owners(
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
                    "when": _when(meeting.starts_at),
                    "place": meeting.place,
                    "opens": _when(meeting.voting_opens_at),
                    "closes": _when(meeting.voting_closes_at),
                },
                event=f"meeting:{meeting.pk}:published",
            )
    return publicity


def _tell_owners_changed(meeting: Meeting, reason: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _tell_owners(
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
                "when": _when(meeting.starts_at),
                "place": meeting.place,
                "opens": _when(meeting.voting_opens_at),
                "closes": _when(meeting.voting_closes_at),
                "reason": reason,
            },
            event=f"meeting:{meeting.pk}:changed:v{meeting.version}",
        )


def _tell_street_office_changed(meeting: Meeting, reason: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _notify(
            users=permissions.street_office_users(meeting.estate),
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
            link=_link("detail", meeting.pk),
            estate=meeting.estate,
            event=f"meeting:{meeting.pk}:changed:v{meeting.version}:street",
        )


def meeting_cancel(*, actor, meeting_id: int, reason: str) -> Meeting:
    """The convener cancels a meeting before voting opens, with the reason. A pending invitation is
    withdrawn; whoever was told of the meeting (the street office once entered, the bound owners
    once publicised) is told."""
    reason = _clean(reason)
    with transaction.atomic():
        meeting = _locked_meeting(actor, meeting_id)
        _transition(
            meeting,
            S.CANCELLED,
            _("This meeting can no longer be cancelled: its voting has opened, or it is cancelled already."),
        )
        require(reason, InvalidInput("meeting.reason_required", _("Give the reason for the cancellation.")))
        was = meeting.status
        meeting.status = S.CANCELLED
        meeting.cancelled_at = timezone.now()
        meeting.cancel_reason = reason
        meeting.save()
        withdrawn = 0
        if was == S.PUBLISHED:
            withdrawn = _cancel_invitations(meeting.pk)
        record(
            actor=actor,
            action="meeting.cancelled",
            obj=meeting,
            estate_id=meeting.estate_id,
            summary={"was": was, "reason": reason, "invitations_withdrawn": withdrawn},
        )
        with translation.override(settings.LANGUAGE_CODE):
            title = gettext("Meeting cancelled: %(title)s") % {"title": meeting.title}
            body = gettext(
                "The meeting “%(title)s” of %(estate)s, planned for %(when)s, is cancelled. "
                "Reason: %(reason)s"
            ) % {
                "title": meeting.title,
                "estate": meeting.estate.name,
                "when": _when(meeting.starts_at),
                "reason": reason,
            }
            event = f"meeting:{meeting.pk}:cancelled"
            if was != S.DRAFT:
                _notify(
                    users=permissions.street_office_users(meeting.estate),
                    kind="meeting.cancelled",
                    title=title,
                    body=body,
                    link=_link("detail", meeting.pk),
                    estate=meeting.estate,
                    event=f"{event}:street",
                )
            if was == S.PUBLISHED:
                _tell_owners(meeting, kind="meeting.cancelled", title=title, body=body, event=event)
    return meeting


# --- documents (R-MTG-5) ----------------------------------------------------------------------


def _checked_upload(upload: Upload) -> Upload:
    head = upload.content[:16]
    name = (upload.name or "").lower()
    for signature, content_type, extensions in _SIGNATURES:
        if not head.startswith(signature):
            continue
        if content_type:
            return Upload(name=upload.name, content=upload.content, content_type=content_type)
        ext = next((e for e in extensions if name.endswith(e)), None)
        if ext:
            return Upload(name=upload.name, content=upload.content, content_type=_OFFICE_TYPES[ext])
    raise InvalidInput(
        "meeting.file_type",
        _("%(name)s is not a PDF, an image, or a Word or Excel file.") % {"name": upload.name},
    )


def document_add(*, actor, meeting_id: int, kind: str, title: str, upload: Upload) -> MeetingDocument:
    """Attach a document publicised with the meeting (for a first assembly: the owner list, the
    totals, the draft management rules, the draft rules of procedure and the voting rules, R-MTG-5).
    PDF, images, Word or Excel files, stored encrypted."""
    with transaction.atomic():
        meeting = _locked_meeting(actor, meeting_id)
        require(
            meeting.status in Meeting.CHANGEABLE,
            Conflict("meeting.not_changeable", _("This meeting can no longer be changed.")),
        )
        require(
            kind in MeetingDocument.Kind.values,
            InvalidInput(
                "meeting.invalid",
                _("Choose the kind of document."),
                details={"fields": {"kind": str(_("Choose the kind of document."))}},
            ),
        )
        title = _clean(title, 200) or str(MeetingDocument.Kind(kind).label)
        stored = store_file(_checked_upload(upload), uploaded_by=actor)
        document = MeetingDocument.objects.create(
            meeting=meeting, kind=kind, title=title, file=stored, uploaded_by=actor
        )
        record(
            actor=actor,
            action="meeting.document_added",
            obj=document,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                "kind": kind,
                "title": title,
                "name": stored.name,
                "sha256": stored.sha256,
                "size": stored.size,
            },
        )
    return document


def document_remove(*, actor, document_id: int) -> MeetingDocument:
    """Remove a document. Once the meeting was publicised the document stays on record (marked
    removed); a first assembly's last document of a required kind cannot be removed then."""
    with transaction.atomic():
        document = MeetingDocument.objects.filter(pk=document_id, removed_at__isnull=True).first()
        require(document is not None, NotFound("meeting.document_not_found", _("Document not found.")))
        meeting = _locked_meeting(actor, document.meeting_id)
        require(
            meeting.status in Meeting.CHANGEABLE,
            Conflict("meeting.not_changeable", _("This meeting can no longer be changed.")),
        )
        document = MeetingDocument.objects.select_for_update().get(pk=document.pk)
        published = permissions.is_public(meeting)
        if (
            published
            and meeting.kind == Meeting.Kind.FIRST
            and document.kind in MeetingDocument.REQUIRED_FOR_FIRST
        ):
            others = selectors.documents(meeting).filter(kind=document.kind).exclude(pk=document.pk)
            require(
                others.exists(),
                Conflict(
                    "meeting.document_required",
                    _(
                        "The publicised first assembly needs this document (art. 12 para. 3); "
                        "attach its replacement first."
                    ),
                ),
            )
        summary = {"meeting": meeting.pk, "kind": document.kind, "title": document.title, "kept": published}
        if published:
            document.removed_at = timezone.now()
            document.save(update_fields=["removed_at"])
        record(
            actor=actor,
            action="meeting.document_removed",
            obj=document,
            estate_id=meeting.estate_id,
            summary=summary,
        )
        if not published:
            document.delete()
    return document


def document_read(*, actor, meeting_id: int, document_id: int) -> tuple[StoredFile, bytes]:
    """A document's file, for whoever sees the meeting; the read is logged."""
    document = selectors.document_for(actor, meeting_id, document_id)
    with transaction.atomic():
        record(
            actor=actor,
            action="file.read",
            obj=document.file,
            estate_id=document.meeting.estate_id,
            summary={"purpose": "meeting_document", "meeting": meeting_id, "name": document.file.name},
        )
        content = read_file(document.file)
    return document.file, content


# --- opening the voting (R-BIND-2, R-VOTE-4) --------------------------------------------------


def _eligibility(bindings: Iterable[Binding], since: dt.datetime, meeting: Meeting) -> list[Eligibility]:
    """Art. 18: a flat bound, or a person verified, on or after the first day of the publicity
    votes on paper only in this meeting."""
    rows = []
    for b in bindings:
        identity = getattr(b.user, "verified_identity", None)
        verified_at = [
            t for t in (b.verification.finished_at, identity.verified_at if identity else None) if t
        ]
        if b.bound_at >= since:
            mode, reason = Eligibility.Mode.PAPER_ONLY, Eligibility.Reason.BOUND_DURING_PUBLICITY
        elif any(t >= since for t in verified_at):
            mode, reason = Eligibility.Mode.PAPER_ONLY, Eligibility.Reason.VERIFIED_DURING_PUBLICITY
        else:
            mode, reason = Eligibility.Mode.ELECTRONIC, Eligibility.Reason.NONE
        rows.append(
            Eligibility(meeting=meeting, binding=b, flat=b.flat, user=b.user, mode=mode, reason=reason)
        )
    return rows


def voting_open(*, meeting_id: int) -> Meeting:
    """The system opens the voting at ``voting_opens_at`` (art. 13): the ownership re-check ends
    every binding whose flat changed owner (R-BIND-2), then who may vote how is frozen (R-VOTE-4,
    art. 18): one ``Eligibility`` row per active binding, paper only for a flat bound or a person
    verified on or after the first day of the meeting's publicity. Calling it again does nothing."""
    from ownervote.bindings.services import end_for_ownership_changes
    from ownervote.voting.services.roll import freeze as freeze_roll
    from ownervote.voting.tasks import enqueue_close

    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
        require(meeting is not None, NotFound("meeting.not_found", selectors.NOT_FOUND))
        if meeting.status in (S.VOTING, S.CLOSED):
            return meeting
        _transition(meeting, S.VOTING, _("Only a publicised meeting opens its voting."))
        require(
            timezone.now() >= meeting.voting_opens_at,
            Conflict(
                "meeting.voting_not_yet",
                _("Voting opens at %(when)s.") % {"when": _when(meeting.voting_opens_at)},
            ),
        )
        meeting = Meeting.objects.select_related("estate", "convener").get(pk=meeting.pk)
        estate = meeting.estate
        ended = end_for_ownership_changes(
            estate=estate,
            actor=SYSTEM,
            note=gettext("Ownership re-check when the voting of “%(title)s” opened (art. 13).")
            % {"title": meeting.title},
        )
        first = selectors.first_publicity(meeting)
        since = selectors.day_start(first.starts_on if first else selectors.held_on(meeting))
        bindings = (
            Binding.objects.filter(estate=estate, status=Binding.Status.ACTIVE)
            .select_related("flat", "flat__building", "user", "user__verified_identity", "verification")
            .order_by("pk")
        )
        rows = _eligibility(bindings, since, meeting)
        Eligibility.objects.bulk_create(rows)
        roll_summary = freeze_roll(meeting)
        enqueue_close(meeting)  # the close at voting_closes_at (voting.tasks.close_voting)
        meeting.status = S.VOTING
        meeting.voting_opened_at = timezone.now()
        meeting.save(update_fields=["status", "voting_opened_at", "updated_at"])
        paper = [r for r in rows if r.mode == Eligibility.Mode.PAPER_ONLY]
        record(
            actor=SYSTEM,
            action="meeting.voting_opened",
            obj=meeting,
            estate_id=estate.pk,
            summary={
                "bindings_ended": len(ended),
                "electronic": len(rows) - len(paper),
                "paper_only": len(paper),
                "bound_during_publicity": sum(
                    r.reason == Eligibility.Reason.BOUND_DURING_PUBLICITY for r in paper
                ),
                "verified_during_publicity": sum(
                    r.reason == Eligibility.Reason.VERIFIED_DURING_PUBLICITY for r in paper
                ),
                "publicity_began": since.isoformat(),
                **roll_summary,
            },
        )
        _tell_voters(meeting, rows)
    return meeting


def _tell_voters(meeting: Meeting, rows: list[Eligibility]) -> None:
    """Each eligible person once: how they may vote. Those with every flat electronic share one
    message (one outbox write for the whole estate); each person with a paper-only flat gets their
    own, naming the flat and why (art. 18)."""
    by_user: dict[int, list[Eligibility]] = defaultdict(list)
    for row in rows:
        by_user[row.user_id].append(row)
    electronic = [
        r[0].user for r in by_user.values() if all(x.mode == Eligibility.Mode.ELECTRONIC for x in r)
    ]
    paper = [r for r in by_user.values() if any(x.mode == Eligibility.Mode.PAPER_ONLY for x in r)]
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("Voting is open: %(title)s") % {"title": meeting.title}
        opening = gettext("Voting on “%(title)s” is open until %(closes)s.") % {
            "title": meeting.title,
            "closes": _when(meeting.voting_closes_at),
        }
        common = {
            "kind": "meeting.voting_open",
            "title": title,
            "link": _link("notice", meeting.pk),
            "estate": meeting.estate,
            "sms": True,
            "event": f"meeting:{meeting.pk}:voting_open",
        }
        if meeting.method == Meeting.Method.PAPER:
            # A meeting held wholly on paper (art. 11): nobody votes on the phone.
            _notify(
                users=[r[0].user for r in by_user.values()],
                body=opening + "\n" + gettext("This meeting votes on paper ballots only."),
                **common,
            )
            return
        _notify(
            users=electronic,
            body=opening + "\n" + gettext("You may vote electronically or on paper."),
            **common,
        )
        for user_rows in paper:
            lines = []
            for row in user_rows:
                flat = f"{row.flat.building.name}-{row.flat.room}"
                if row.mode == Eligibility.Mode.PAPER_ONLY:
                    lines.append(
                        gettext("%(flat)s: paper ballot only, because %(reason)s")
                        % {"flat": flat, "reason": Eligibility.Reason(row.reason).label}
                    )
                else:
                    lines.append(gettext("%(flat)s: electronic or paper ballot") % {"flat": flat})
            _notify(users=[user_rows[0].user], body=opening + "\n" + "\n".join(lines), **common)


# --- the holiday calendar (R-MTG-4) -----------------------------------------------------------


def _dates(values, field: str, year: int, errors: dict) -> list[dt.date]:
    out = []
    for value in values or []:
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            errors[field] = _("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}
            continue
        if day.year != year:
            errors[field] = _("%(date)s is not in %(year)d.") % {"date": day.isoformat(), "year": year}
        out.append(day)
    return sorted(set(out))


def _reschedule_invitations() -> list[int]:
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
        _cancel_invitations(meeting.pk)
        meeting.invitation_on = new_on
        meeting.save(update_fields=["invitation_on", "updated_at"])
        _schedule_invitation(
            meeting, event=f"{_invitation_event(meeting.pk, meeting.version)}:{new_on.isoformat()}"
        )
        moved.append(meeting.pk)
    return moved


def calendar_year_save(
    *, actor, year: int, holidays: Sequence[dt.date], workdays: Sequence[dt.date], source: str
) -> CalendarYear:
    """The city operator enters or corrects a year of the official holiday schedule when the
    State Council publishes it (R-MTG-4): the statutory days off and the make-up working days (a
    weekend day), with the notice cited. It replaces the shipped table of that year."""
    source = _clean(source, 300)
    with transaction.atomic():
        require(
            permissions.is_city_operator(actor),
            Forbidden("calendar.forbidden", _("Only the city operator keeps the holiday calendar.")),
        )
        errors: dict = {}
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            raise InvalidInput(
                "calendar.invalid",
                _("Give a year between 2000 and 2100."),
                details={"fields": {"year": str(_("Give a year between 2000 and 2100."))}},
            )
        days_off = _dates(holidays, "holidays", year, errors)
        working = _dates(workdays, "workdays", year, errors)
        if not days_off:
            errors.setdefault("holidays", _("List the statutory days off of the year."))
        both = sorted(set(days_off) & set(working))
        if both:
            errors.setdefault(
                "workdays",
                _("%(date)s is listed both as a day off and as a working day.")
                % {"date": both[0].isoformat()},
            )
        weekday = [d for d in working if d.weekday() < 5]
        if weekday:
            errors.setdefault(
                "workdays",
                _("%(date)s is a weekday: a make-up working day is a Saturday or Sunday.")
                % {"date": weekday[0].isoformat()},
            )
        if not source:
            errors["source"] = _("Cite the State Council notice, e.g. 国办发明电〔2025〕7号.")
        if errors:
            first = next(iter(errors.values()))
            raise InvalidInput(
                "calendar.invalid", first, details={"fields": {k: str(v) for k, v in errors.items()}}
            )
        YearTable(year=year, holidays=frozenset(days_off), workdays=frozenset(working), source=source)
        row = CalendarYear.objects.select_for_update().filter(year=year).first()
        replaced = row is not None
        if row is None:
            row = CalendarYear(year=year)
        row.holidays = [d.isoformat() for d in days_off]
        row.workdays = [d.isoformat() for d in working]
        row.source = source
        row.updated_by = actor
        row.save()
        moved = _reschedule_invitations()
        answered = _answer_calendar_requests(year)
        record(
            actor=actor,
            action="calendar.year_saved",
            obj=row,
            summary={
                "year": year,
                "invitations_moved": moved,
                "requests_answered": answered,
                "source": source,
                "holidays": len(days_off),
                "workdays": len(working),
                "replaced": replaced,
                "digest": hashlib.sha256(
                    json.dumps({"holidays": row.holidays, "workdays": row.workdays}).encode()
                ).hexdigest(),
            },
        )
    return row


# --- a year the calendar lacks (R-MTG-4) ------------------------------------------------------


def calendar_event(year: int) -> str:
    """The one event under which the city operators are told that ``year`` is missing: whoever
    tells them again (another refused convener, the autumn reminder) adds nothing."""
    return f"calendar:{year}:missing"


def tell_operator_year_missing(year: int, *, body: str) -> None:
    """Tell the city operators, once per year, that the official holidays of ``year`` are needed
    and not loaded, with the link to load them (inbox, in the caller's transaction)."""
    with translation.override(settings.LANGUAGE_CODE):
        _notify(
            users=scoping.city_operator_users(),
            kind="calendar.year_missing",
            title=gettext("Load the official holidays of %(year)d") % {"year": year},
            body=body,
            link=f"{_link('calendar')}?year={year}#calendar-form",
            event=calendar_event(year),
        )


def calendar_watch(*, today: dt.date | None = None) -> list[int]:
    """The daily check of the calendar's yearly life (R-MTG-4): from the 1st of October while next
    year is not loaded, or whenever today's year is not, the city operators are told (once per
    year). Returns the years they were reminded of."""
    today = today or timezone.localdate()
    years = []
    with transaction.atomic():
        for need in selectors.calendar_needs(today):
            if need["due_on"] is None:
                continue  # only requested: the refusal told the operator already
            with translation.override(settings.LANGUAGE_CODE):
                body = gettext(
                    "The State Council publishes each year's holiday notice in the autumn. The official "
                    "holidays of %(year)d are not loaded yet: until they are, no meeting whose dates fall "
                    "in %(year)d can be entered. Enter the notice on the holiday calendar page by %(due)s."
                ) % {"year": need["year"], "due": need["due_on"].isoformat()}
            tell_operator_year_missing(need["year"], body=body)
            years.append(need["year"])
    return years


def calendar_year_wanted(*, actor, estate_id: int, title: str, problems: Sequence[dict]) -> list:
    """A convener's meeting of ``estate_id`` was refused because of ``problems`` (``unknown_year``,
    as the error details list them, R-MTG-4). Keeps one open request per year, estate and person
    (a later refusal updates it), and tells the city operators once per year."""
    now = timezone.now()
    rows = []
    with transaction.atomic():
        estate = Estate.objects.filter(pk=estate_id).first()
        require(
            estate is not None and permissions.can_convene(actor, estate),
            NotFound("estate.not_found", _("Estate not found.")),
        )
        for problem in problems:
            year = int(problem["year"])
            needs = [{"code": n["code"], "date": n["date"]} for n in problem.get("needs", ())]
            row = (
                CalendarYearRequest.objects.select_for_update()
                .filter(year=year, estate=estate, requested_by=actor, answered_at__isnull=True)
                .first()
            )
            if row is None:
                row = CalendarYearRequest(year=year, estate=estate, requested_by=actor, first_at=now, times=0)
            row.title = _clean(title, 200)
            row.needs = needs
            row.last_at = now
            row.times += 1
            row.save()
            rows.append(row)
            record(
                actor=actor,
                action="calendar.year_wanted",
                obj=row,
                estate_id=estate.pk,
                summary={"year": year, "title": row.title, "needs": needs, "times": row.times},
            )
            with translation.override(settings.LANGUAGE_CODE):
                body = gettext(
                    "The State Council's notice of the official holidays of %(year)d is not loaded, so "
                    "working days of that year cannot be counted. A meeting of %(estate)s (“%(title)s”) was "
                    "refused for it. Enter the year's notice on the holiday calendar page."
                ) % {"year": year, "estate": estate.name, "title": row.title}
            tell_operator_year_missing(year, body=body)
    return rows


def _answer_calendar_requests(year: int) -> int:
    """The year is loaded: every convener refused for it is told that they may enter the meeting
    again (nothing is re-planned by itself). Returns how many requests were answered."""
    waiting = list(
        CalendarYearRequest.objects.select_for_update()
        .filter(year=year, answered_at__isnull=True)
        .select_related("estate", "requested_by")
        .order_by("pk")
    )
    now = timezone.now()
    for row in waiting:
        with translation.override(settings.LANGUAGE_CODE):
            _notify(
                users=[row.requested_by],
                kind="calendar.year_loaded",
                title=gettext("The official holidays of %(year)d are loaded") % {"year": year},
                body=gettext(
                    "You can now enter the meeting “%(title)s” of %(estate)s again: it was refused because "
                    "the holidays of %(year)d were not loaded. Nothing of the refused attempt was kept."
                )
                % {"title": row.title, "estate": row.estate.name, "year": year},
                link=_link("create", row.estate_id),
                estate=row.estate,
                event=f"calendar:{year}:loaded:{row.pk}",
            )
    CalendarYearRequest.objects.filter(pk__in=[r.pk for r in waiting]).update(answered_at=now)
    return len(waiting)
