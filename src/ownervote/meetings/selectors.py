"""Reads of meetings, always through the reader's scope (``permissions.can_see_meeting``, one
meeting through ``access.access_meeting``): missing and not visible look the same (404). Also the
meeting's computed schedule (``rules.schedule`` on the calendar of ``rules.calendar`` plus the
operator's years), its versions and their differences.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.bindings.models import Binding
from ownervote.core import jobs
from ownervote.orgs import scoping
from ownervote.roster.selectors import estates_visible_to
from ownervote.rules import schedule
from ownervote.rules.calendar import SHIPPED, THIS_YEAR, ChineseCalendar, YearTable, years_due

from . import scopes
from .access import (
    MEETING_RELATED,
    access_meeting,
)
from .access import NOT_FOUND as NOT_FOUND  # voting reads it here
from .models import (
    CalendarYear,
    CalendarYearRequest,
    Eligibility,
    Guidance,
    Item,
    Meeting,
    MeetingDocument,
    MeetingVersion,
    Publicity,
    Topic,
)


def aware(value) -> dt.datetime | None:
    """An aware datetime from a datetime or an ISO string; a naive one is taken as Beijing time;
    anything else None."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, dt.datetime):
        return None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=beijing())
    return value


def beijing() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_minute(moment: dt.datetime) -> str:
    """An aware datetime as messages and pages print it: Beijing time, to the minute."""
    return timezone.localtime(moment, beijing()).strftime("%Y-%m-%d %H:%M")


def local_day(moment: dt.datetime) -> dt.date:
    """The day (Beijing time) of an aware datetime."""
    return timezone.localtime(moment, beijing()).date()


def day_start(day: dt.date) -> dt.datetime:
    """00:00 Beijing time of ``day``."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=beijing())


# --- the calendar (R-MTG-4) -------------------------------------------------------------------


def year_table(row: CalendarYear) -> YearTable:
    return YearTable(
        year=row.year,
        holidays=frozenset(dt.date.fromisoformat(d) for d in row.holidays),
        workdays=frozenset(dt.date.fromisoformat(d) for d in row.workdays),
        source=row.source,
    )


def calendar() -> ChineseCalendar:
    """The shipped State Council notices, with the years the city operator entered or corrected
    replacing them year by year."""
    return ChineseCalendar(SHIPPED).with_years([year_table(row) for row in CalendarYear.objects.all()])


def calendar_years() -> list[dict]:
    """Every year the calendar holds: where it comes from (shipped or the operator's row)."""
    rows = {row.year: row for row in CalendarYear.objects.select_related("updated_by")}
    cal = calendar()
    years = []
    for year in cal.years:
        table = cal.table(year)
        row = rows.get(year)
        years.append(
            {
                "year": year,
                "holidays": sorted(table.holidays),
                "workdays": sorted(table.workdays),
                "source": table.source,
                "entered_by_operator": row is not None,
                "updated_at": row.updated_at if row else None,
                "updated_by": row.updated_by.display_name() if row and row.updated_by else "",
            }
        )
    return years


def calendar_requests(*, open_only: bool = True):
    """The conveners' meetings refused for a year the calendar lacks (R-MTG-4), oldest first."""
    rows = CalendarYearRequest.objects.select_related("estate", "requested_by")
    if open_only:
        rows = rows.filter(answered_at__isnull=True)
    return rows.order_by("year", "first_at", "pk")


def calendar_needs(today: dt.date | None = None) -> list[dict]:
    """What the city operator must load, by year (R-MTG-4): today's year if the calendar lacks it,
    from the 1st of October the next year if it lacks that (``rules.calendar.years_due``), and any
    year a convener's meeting was refused for. Each: ``year``, ``reason`` (this_year, next_year or
    requested), ``due_on`` (None for a year only requested), ``requests`` (open ones) and
    ``urgent`` (a meeting waits, or today's year is missing)."""
    today = today or timezone.localdate()
    held = set(calendar().years)
    requests: dict[int, list] = {}
    for row in calendar_requests():
        if row.year not in held:
            requests.setdefault(row.year, []).append(row)
    needs = {
        due.year: {"year": due.year, "reason": due.reason, "due_on": due.due_on}
        for due in years_due(today, held)
    }
    for year in requests:
        needs.setdefault(year, {"year": year, "reason": "requested", "due_on": None})
    for need in needs.values():
        need["requests"] = requests.get(need["year"], [])
        need["urgent"] = bool(need["requests"]) or need["reason"] == THIS_YEAR
    return [needs[y] for y in sorted(needs)]


# --- the schedule (R-MTG-1..4, R-MTG-6) -------------------------------------------------------


def held_on(meeting: Meeting) -> dt.date:
    return local_day(meeting.starts_at)


def plan_for(meeting: Meeting, *, today: dt.date | None = None, starts_at: dt.datetime | None = None):
    """The schedule plan of ``meeting`` as it stands (or with ``starts_at`` instead of its own):
    a draft is entered and publicised today; an entered meeting keeps its entry day and, until it
    is publicised, is publicised today; a publicised one keeps the day its current publicity
    started. A changed meeting (version 2 on) is planned as a change."""
    today = today or timezone.localdate()
    held = local_day(starts_at) if starts_at is not None else held_on(meeting)
    entered = meeting.entered_on or today
    if meeting.status == Meeting.Status.DRAFT or meeting.entered_on is None:
        return schedule.Plan(held_on=held, entered_on=today, publicity_starts_on=today, today=today)
    publicity = current_publicity(meeting)
    starts = publicity.starts_on if publicity is not None else today
    # After a change the entry rule is not applied again (R-MTG-6): the meeting was entered.
    return schedule.Plan(
        held_on=held, entered_on=entered, publicity_starts_on=starts, today=today, change=meeting.version > 1
    )


def timeline(
    meeting: Meeting, today: dt.date | None = None, *, cal: ChineseCalendar | None = None
) -> schedule.Schedule:
    """Every deadline of the meeting and what is wrong with it, as of ``today``."""
    return schedule.compute(plan_for(meeting, today=today), cal or calendar())


def preview(
    *, starts_at: dt.datetime, meeting: Meeting | None = None, today: dt.date | None = None
) -> schedule.Schedule:
    """The schedule a meeting starting at ``starts_at`` would have, without saving anything: a
    new meeting (entered and publicised today), or a change of ``meeting`` (republished today
    once it was entered: R-MTG-6)."""
    today = today or timezone.localdate()
    held = local_day(starts_at)
    if meeting is None or meeting.entered_on is None:
        plan = schedule.Plan(held_on=held, entered_on=today, publicity_starts_on=today, today=today)
    else:
        plan = schedule.Plan(
            held_on=held, entered_on=meeting.entered_on, publicity_starts_on=today, today=today, change=True
        )
    return schedule.compute(plan, calendar())


# --- who sees which meeting -------------------------------------------------------------------


def _visible_q(actor) -> Q:
    if not getattr(actor, "is_authenticated", False):
        return Q(pk__in=[])
    keeper_estates = [
        a.estate_id
        for a in scoping.approved_associations(actor)
        if a.estate_id and a.organisation.kind in scoping.CONVENER_KINDS
    ]
    staff_estates = estates_visible_to(actor).values("pk")
    bound_estates = Binding.objects.filter(user=actor, status=Binding.Status.ACTIVE).values("estate_id")
    return (
        Q(estate_id__in=keeper_estates)
        | (Q(submitted_at__isnull=False) & Q(estate__in=staff_estates))
        | (Q(publicity_starts_on__isnull=False) & Q(estate__in=bound_estates))
    )


def meetings_for(actor, estate_id: int | None = None) -> QuerySet[Meeting]:
    """The meetings ``actor`` may see (as staff or as a bound owner), newest first; ``estate_id``
    narrows to one estate."""
    rows = Meeting.objects.filter(_visible_q(actor)).select_related(*MEETING_RELATED)
    if estate_id is not None:
        rows = rows.filter(estate_id=estate_id)
    return rows


def to_guide(actor) -> QuerySet[Meeting]:
    """The entered meetings whose convener ``actor`` supervises (R-MTG-2, R-ORG-3): as a street
    office, those of its streets not convened by a street office; as a district bureau, those a
    street office convenes in its district. The ones whose guidance window ends first on top."""
    return (
        Meeting.objects.filter(scoping.supervised_q(actor), submitted_at__isnull=False)
        .select_related(*MEETING_RELATED)
        .order_by("-guidance_ends_on", "-submitted_at", "-id")
    )


def convened_by(actor) -> QuerySet[Meeting]:
    """The meetings ``actor`` manages (``permissions.can_manage``): those its organisations convene
    in the estates they are still approved to convene."""
    q = Q(pk__in=[])
    for a in scoping.approved_associations(actor):
        if a.estate_id and a.organisation.kind in scoping.CONVENER_KINDS:
            q |= Q(convener_id=a.organisation_id, estate_id=a.estate_id)
    return Meeting.objects.filter(q).select_related(*MEETING_RELATED)


def meetings_for_owner(user) -> QuerySet[Meeting]:
    """The publicised meetings of the estates where ``user`` has an active binding."""
    if not getattr(user, "is_authenticated", False):
        return Meeting.objects.none()
    bound = Binding.objects.filter(user=user, status=Binding.Status.ACTIVE).values("estate_id")
    return Meeting.objects.filter(estate__in=bound, publicity_starts_on__isnull=False).select_related(
        *MEETING_RELATED
    )


# --- parts of a meeting -----------------------------------------------------------------------


def current_publicity(meeting: Meeting) -> Publicity | None:
    return meeting.publicities.filter(superseded_at__isnull=True).order_by("-published_at", "-id").first()


def first_publicity(meeting: Meeting) -> Publicity | None:
    return meeting.publicities.order_by("published_at", "id").first()


def publicities(meeting: Meeting) -> QuerySet[Publicity]:
    return meeting.publicities.select_related("version", "binding_publication").order_by("published_at", "id")


def documents(meeting: Meeting) -> QuerySet[MeetingDocument]:
    """The documents publicised with the meeting (removed ones left out)."""
    return meeting.documents.filter(removed_at__isnull=True).select_related("file").order_by("kind", "id")


def missing_documents(meeting: Meeting) -> list[str]:
    """For a first assembly, the required kinds (R-MTG-5) without a document; else nothing."""
    if meeting.kind != Meeting.Kind.FIRST:
        return []
    present = set(documents(meeting).values_list("kind", flat=True))
    return [str(k) for k in MeetingDocument.REQUIRED_FOR_FIRST if k not in present]


def guidance_for(actor, meeting_id: int) -> QuerySet[Guidance]:
    """The street office's opinions: for whoever sees the meeting."""
    return guidance_of(access_meeting(actor, meeting_id))


def guidance_of(meeting: Meeting) -> QuerySet[Guidance]:
    return meeting.guidance.select_related("organisation").order_by("created_at", "id")


def guidance_open(meeting: Meeting, today: dt.date | None = None) -> bool:
    """Whether the street office may still give guidance (R-MTG-2): entered, not cancelled, and
    today within the 5-day window counted from entry."""
    today = today or timezone.localdate()
    return (
        meeting.guidance_ends_on is not None
        and meeting.status in (Meeting.Status.SUBMITTED, Meeting.Status.PUBLISHED)
        and today <= meeting.guidance_ends_on
    )


def publicity_from(meeting: Meeting) -> dt.date | None:
    """The first day the entered meeting may be publicised with respect to the guidance (art. 12,
    R-MTG-2; ``rules.schedule.publicity_may_start_on``): the day guidance was given, else the day
    after its window, at the latest the last day the publicity is on time. None before the entry."""
    if meeting.guidance_ends_on is None:
        return None
    first = guidance_of(meeting).first()
    return schedule.publicity_may_start_on(
        held_on=held_on(meeting),
        guidance_until=meeting.guidance_ends_on,
        guided_on=local_day(first.created_at) if first else None,
    )


def eligibility_for(user, meeting: Meeting) -> list[Eligibility]:
    """The user's rows of the meeting's eligibility snapshot (R-VOTE-4): one per flat they had
    bound when voting opened; empty before that."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Eligibility.objects.filter(meeting=meeting, user=user)
        .select_related("flat", "flat__building", "binding")
        .order_by("flat__sort_key", "pk")
    )


def eligibility_counts(meeting: Meeting) -> dict[str, int]:
    rows = Eligibility.objects.filter(meeting=meeting)
    return {
        "electronic": rows.filter(mode=Eligibility.Mode.ELECTRONIC).count(),
        "paper_only": rows.filter(mode=Eligibility.Mode.PAPER_ONLY).count(),
    }


# --- versions (R-MTG-6) -----------------------------------------------------------------------


def _local_iso(moment: dt.datetime) -> str:
    return timezone.localtime(moment, beijing()).isoformat()


def _scope_of(item: Item) -> dict:
    """R-MTG-9: ``{"scope": ...}`` for an item of part of the estate; nothing for the whole estate,
    so that the versions of meetings without scopes read as they always did."""
    content = scopes.scope_content(item)
    return {"scope": content} if content else {}


def meeting_content(meeting: Meeting) -> dict:
    """What a version freezes: time, place, method, voting period, topics, items, candidates."""
    items_by_topic: dict[int, list[Item]] = {}
    for item in (
        Item.objects.filter(meeting=meeting).order_by("position", "id").prefetch_related("candidates")
    ):
        items_by_topic.setdefault(item.topic_id, []).append(item)
    return {
        "kind": meeting.kind,
        "title": meeting.title,
        "place": meeting.place,
        "method": meeting.method,
        "starts_at": _local_iso(meeting.starts_at),
        "voting_opens_at": _local_iso(meeting.voting_opens_at),
        "voting_closes_at": _local_iso(meeting.voting_closes_at),
        "topics": [
            {
                "title": topic.title,
                "description": topic.description,
                "items": [
                    {
                        "title": item.title,
                        "description": item.description,
                        "kind": item.kind,
                        "category": item.category,
                        "seats": item.seats,
                        "max_choices": item.max_choices,
                        "candidates": [
                            {"name": c.name, "profile": c.profile}
                            for c in sorted(item.candidates.all(), key=lambda c: (c.position, c.pk))
                        ],
                    }
                    | _scope_of(item)
                    for item in items_by_topic.get(topic.pk, [])
                ],
            }
            for topic in Topic.objects.filter(meeting=meeting).order_by("position", "id")
        ],
    }


def canonical_json(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def content_digest(content: dict) -> str:
    """SHA-256 of the canonical JSON of a version's content."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def versions_for(actor, meeting_id: int) -> QuerySet[MeetingVersion]:
    return versions_of(access_meeting(actor, meeting_id))


def versions_of(meeting: Meeting) -> QuerySet[MeetingVersion]:
    return meeting.versions.select_related("created_by").order_by("number")


FIELD_LABELS = {
    "kind": _("kind of meeting"),
    "title": _("title"),
    "place": _("place"),
    "method": _("voting method"),
    "starts_at": _("meeting starts"),
    "voting_opens_at": _("voting opens"),
    "voting_closes_at": _("voting closes"),
}
ITEM_FIELD_LABELS = {
    "title": _("voting item"),
    "description": _("description"),
    "kind": _("kind of item"),
    "category": _("decision category"),
    "seats": _("seats"),
    "max_choices": _("choices per ballot"),
    "candidates": _("candidates"),
    "topic": _("topic"),
}


def display_value(field: str, value) -> str | None:
    """A value as the side-by-side page shows it."""
    if value is None:
        return None
    if field == "kind" and value in Meeting.Kind.values:
        return str(Meeting.Kind(value).label)
    if field == "method":
        return str(Meeting.Method(value).label)
    if field in ("starts_at", "voting_opens_at", "voting_closes_at"):
        return dt.datetime.fromisoformat(value).astimezone(beijing()).strftime("%Y-%m-%d %H:%M")
    if field == "item_kind":
        return str(Item.Kind(value).label)
    if field == "category":
        return str(Item.Category(value).label)
    if field == "candidates":
        return "、".join(c["name"] for c in value)
    return str(value)


def _flat_items(content: dict) -> list[dict]:
    rows = []
    for topic in content.get("topics", []):
        for item in topic.get("items", []):
            rows.append({**item, "topic": topic["title"]})
    return rows


def _item_summary(item: dict) -> str:
    kind = display_value("item_kind", item["kind"])
    text = f"{item['title']}（{kind}，{display_value('category', item['category'])}）"
    if item["kind"] == Item.Kind.ELECTION:
        text += "：" + (display_value("candidates", item["candidates"]) or "")
    return text


def version_diff(a: MeetingVersion, b: MeetingVersion) -> list[dict]:
    """What changed from version ``a`` to version ``b``, one row per changed field:
    ``{"field", "label", "before", "after"}``. Topics are compared by position; voting items are
    matched by title (a renamed item in the same place counts as changed), so an inserted item is
    "added" rather than every later item changed. ``before`` is None for an added item or topic,
    ``after`` None for a removed one."""
    old, new = a.content, b.content
    rows: list[dict] = []

    def row(field: str, label: str, before, after) -> None:
        rows.append({"field": field, "label": label, "before": before, "after": after})

    for field, label in FIELD_LABELS.items():
        if old.get(field) != new.get(field):
            row(field, str(label), display_value(field, old.get(field)), display_value(field, new.get(field)))

    old_topics, new_topics = old.get("topics", []), new.get("topics", [])
    for i in range(max(len(old_topics), len(new_topics))):
        t_old = old_topics[i] if i < len(old_topics) else None
        t_new = new_topics[i] if i < len(new_topics) else None
        label = str(_("Topic %(n)d") % {"n": i + 1})
        if t_old is None or t_new is None:
            row(f"topics[{i}]", label, t_old and t_old["title"], t_new and t_new["title"])
            continue
        for key, key_label in (("title", _("title")), ("description", _("description"))):
            if t_old.get(key) != t_new.get(key):
                row(f"topics[{i}].{key}", f"{label}: {key_label}", t_old.get(key), t_new.get(key))

    old_items, new_items = _flat_items(old), _flat_items(new)
    matcher = difflib.SequenceMatcher(
        a=[i["title"] for i in old_items], b=[i["title"] for i in new_items], autojunk=False
    )
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        pairs: list[tuple[int | None, int | None]] = []
        if op == "equal" or (op == "replace" and a2 - a1 == b2 - b1):
            pairs = list(zip(range(a1, a2), range(b1, b2), strict=True))
        else:
            pairs = [(i, None) for i in range(a1, a2)] + [(None, j) for j in range(b1, b2)]
        for i, j in pairs:
            if j is None:
                row(
                    f"items[{i}]",
                    str(_("Item %(n)d removed") % {"n": i + 1}),
                    _item_summary(old_items[i]),
                    None,
                )
                continue
            if i is None:
                row(
                    f"items[{j}]",
                    str(_("Item %(n)d added") % {"n": j + 1}),
                    None,
                    _item_summary(new_items[j]),
                )
                continue
            before, after = old_items[i], new_items[j]
            label = str(_("Item %(n)d") % {"n": j + 1})
            for key, key_label in ITEM_FIELD_LABELS.items():
                if before.get(key) != after.get(key):
                    shown = "item_kind" if key == "kind" else key
                    row(
                        f"items[{j}].{key}",
                        f"{label}: {key_label}",
                        display_value(shown, before.get(key)),
                        display_value(shown, after.get(key)),
                    )
    return rows


def shown_to_owners(today: dt.date | None = None) -> Q:
    """The meetings an estate's notice board shows: publicised and not yet closed, or closed with
    the publicity of its result running (art. 26, R-RES-3; ``results.ResultPublicity``)."""
    today = today or timezone.localdate(timezone.now(), beijing())
    return Q(status__in=(Meeting.Status.PUBLISHED, Meeting.Status.VOTING)) | Q(
        status=Meeting.Status.CLOSED,
        result_publicities__starts_on__lte=today,
        result_publicities__ends_on__gte=today,
    )


def public_meetings(estate) -> list[Meeting]:
    """The estate's current meetings: their notices are public (art. 12, 29), as on the estate's
    notice board."""
    return list(
        Meeting.objects.filter(shown_to_owners(), estate=estate, publicity_starts_on__isnull=False)
        .distinct()
        .select_related("convener")
        .order_by("starts_at", "pk")
    )


# The background job telling each eligible person how they vote when the voting opens
# (voting.services.opening.tell_voters, core.jobs): the meeting's page shows its progress.
INVITE_JOB = "voting.invite"


def invite_job(meeting):
    return jobs.latest(INVITE_JOB, meeting) if meeting.voting_opened_at else None
