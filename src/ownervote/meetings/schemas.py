"""Request and response shapes of /api/meetings and /api/calendar."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from ownervote.core.schemas import Day, Id, Moment, Ref

from . import scopes
from .items import TopicIn  # a meeting's content: its one definition, with its rules
from .selectors import current_publicity, missing_documents

MeetingKindT = Literal["regular", "temporary", "first"]
MethodT = Literal["electronic", "paper", "mixed"]
StatusT = Literal["draft", "submitted", "published", "voting", "closed", "cancelled"]
DocumentKindT = Literal[
    "owner_list", "totals", "management_rules", "procedure_rules", "voting_rules", "other"
]


# --- input ------------------------------------------------------------------------------------


class MeetingIn(Schema):
    estate_id: Id
    kind: str = Field(description="`regular`, `temporary` or `first` (first: a preparatory group only).")
    title: str = Field(max_length=1000)
    place: str = Field(max_length=1000)
    method: str = Field(
        description="`electronic`, `paper` or `mixed` (electronic with paper as a supplement)."
    )
    starts_at: Moment = Field(description="With a UTC offset; without one it is Beijing time.")
    voting_opens_at: Moment = Field(description="When the meeting starts or later.")
    voting_closes_at: Moment = Field(description="After voting opens.")
    topics: list[TopicIn] = Field(description="At least one topic, each with at least one item.")


class MeetingPatchIn(Schema):
    reason: str = Field("", max_length=4000, description="Required once the meeting is entered.")
    kind: str | None = None
    title: str | None = Field(None, max_length=1000)
    place: str | None = Field(None, max_length=1000)
    method: str | None = None
    starts_at: Moment | None = None
    voting_opens_at: Moment | None = None
    voting_closes_at: Moment | None = None
    topics: list[TopicIn] | None = Field(None, description="Replaces every topic and item when given.")


class ReasonIn(Schema):
    reason: str = Field(max_length=4000, description="Required.")


class GuidanceIn(Schema):
    text: str = Field(max_length=4000)


class DocumentIn(Schema):
    kind: str = Field(
        description="`owner_list`, `totals`, `management_rules`, `procedure_rules`, `voting_rules`, `other`."
    )
    title: str = Field("", max_length=200)


class PreviewIn(Schema):
    starts_at: Moment = Field(description="The meeting's start; its Beijing day is the meeting day.")
    meeting_id: Id | None = Field(
        None, description="Preview a change of this meeting (republished today) instead of a new one."
    )


class CalendarYearIn(Schema):
    holidays: list[Day] = Field(description="The statutory days off of the year (incl. adjusted rest days).")
    workdays: list[Day] = Field(
        default_factory=list, description="Make-up working days (调休上班): weekend days."
    )
    source: str = Field(max_length=300, description="The State Council notice, e.g. 国办发明电〔2025〕7号.")


# --- output -----------------------------------------------------------------------------------


class CandidateOut(Schema):
    id: int
    position: int
    name: str
    profile: str


class ItemScopeOut(Schema):
    """R-MTG-9: who votes on the item."""

    kind: Literal["estate", "buildings", "flats"]
    label: str = Field(description="The scope as the notice, the ballot and the result name it (Chinese).")
    buildings: list[str] = Field(default_factory=list, description="`buildings`: their names.")
    flats: list[str] = Field(default_factory=list, description="`flats`: the flats as `building-room`.")
    name: str = Field("", description="`flats`: what the flats share.")


def scope_out(item) -> dict:
    content = scopes.scope_content(item) or {"kind": "estate"}
    return {**content, "label": scopes.label_of(content)}


class ItemOut(Schema):
    id: int
    position: int = Field(description="Across the whole meeting: item 1, 2, 3 ...")
    title: str
    description: str
    kind: Literal["question", "election"]
    category: int
    category_label: str
    seats: int | None
    max_choices: int | None
    candidates: list[CandidateOut]
    scope: ItemScopeOut = Field(description="The part of the estate that votes on the item (R-MTG-9).")

    @staticmethod
    def resolve_category_label(obj):
        return str(obj.get_category_display())

    @staticmethod
    def resolve_scope(obj):
        return scope_out(obj)

    @staticmethod
    def resolve_candidates(obj):
        return sorted(obj.candidates.all(), key=lambda c: (c.position, c.pk))


class TopicOut(Schema):
    id: int
    position: int
    title: str
    description: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj):
        items = getattr(obj, "_items", None)
        if items is None:
            items = obj.items.prefetch_related("candidates").order_by("position", "id")
        return items


def topics_with_items(meeting) -> list:
    """The meeting's topics, each carrying its items (one query for the items and candidates,
    or none when ``access_meeting(..., content=True)`` prefetched them)."""
    topics = sorted(meeting.topics.all(), key=lambda t: (t.position, t.pk))
    by_topic: dict[int, list] = {}
    for item in sorted(meeting.items.all(), key=lambda i: (i.position, i.pk)):
        by_topic.setdefault(item.topic_id, []).append(item)
    for topic in topics:
        topic._items = by_topic.get(topic.pk, [])
    return topics


class PublicityOut(Schema):
    id: int
    version: int
    starts_on: dt.date
    ends_on: dt.date
    reason: str
    binding_publication_id: int | None
    published_at: dt.datetime
    superseded_at: dt.datetime | None

    @staticmethod
    def resolve_version(obj):
        return obj.version.number


class MeetingSummaryOut(Schema):
    id: int
    estate: Ref
    convener: Ref
    kind: MeetingKindT
    title: str
    place: str
    method: MethodT
    status: StatusT
    starts_at: dt.datetime
    voting_opens_at: dt.datetime
    voting_closes_at: dt.datetime
    version: int
    entered_on: dt.date | None
    guidance_ends_on: dt.date | None
    invitation_on: dt.date | None
    publicity_starts_on: dt.date | None
    publicity_ends_on: dt.date | None


class MeetingOut(MeetingSummaryOut):
    submitted_at: dt.datetime | None
    voting_opened_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    cancel_reason: str
    topics: list[TopicOut]
    publicity: PublicityOut | None = Field(description="The publicity running now (the current version's).")
    missing_documents: list[str] = Field(
        description="First assembly: required kinds still to attach (R-MTG-5)."
    )
    invitation_recipients: int | None = Field(
        description=(
            "The community committee's staff the invitation is addressed to; 0: it reaches nobody (R-MTG-4)."
        )
    )
    follow_majority: bool | None = Field(
        description=(
            "Non-voters counted with the majority (随多数, R-TALLY-7), frozen from the estate's setting at "
            "the first publicity; null before it (the estate's setting applies until then)."
        )
    )
    parking_counts: bool | None = Field(
        description=(
            "Parking spaces count towards area and owners (R-ROSTER-5), frozen at the first publicity; "
            "null before it."
        )
    )
    opening_refused_at: dt.datetime | None = Field(
        description=(
            "Voting did not open: the totals are not confirmed or no longer match the roster (R-ROSTER-1)."
        )
    )
    opening_refusal: dict = Field(
        description=(
            "Why voting did not open: code (meeting.totals_unconfirmed, meeting.totals_stale), confirmed and "
            "now (flats, owners, area), flats_changed, totals_url."
        )
    )

    @staticmethod
    def resolve_topics(obj):
        return topics_with_items(obj)

    @staticmethod
    def resolve_publicity(obj):
        return current_publicity(obj)

    @staticmethod
    def resolve_missing_documents(obj):
        return missing_documents(obj)


class DocumentOut(Schema):
    id: int
    kind: DocumentKindT
    kind_label: str
    title: str
    name: str
    size: int
    sha256: str
    content_type: str
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_name(obj):
        return obj.file.name

    @staticmethod
    def resolve_size(obj):
        return obj.file.size

    @staticmethod
    def resolve_sha256(obj):
        return obj.file.sha256

    @staticmethod
    def resolve_content_type(obj):
        return obj.file.content_type


class GuidanceOut(Schema):
    id: int
    organisation: Ref
    author_real_name: str
    version: int = Field(description="The meeting version the opinion was given on.")
    text: str
    created_at: dt.datetime


class VersionOut(Schema):
    number: int
    digest: str = Field(description="SHA-256 of the canonical JSON of `content`.")
    reason: str
    created_at: dt.datetime
    created_by: str
    content: dict

    @staticmethod
    def resolve_created_by(obj):
        return obj.created_by.display_name()


class DiffRowOut(Schema):
    field: str = Field(description='e.g. "place", "topics[0].title", "items[2].candidates", "items[3]".')
    label: str
    before: str | None = Field(description="None: added.")
    after: str | None = Field(description="None: removed.")


class DiffOut(Schema):
    a: int
    b: int
    rows: list[DiffRowOut]


class DeadlineOut(Schema):
    code: str = Field(
        description=(
            "entry_by, guidance_until, publicity_by, publicity_until, changes_until, invitation_on, held_on"
        )
    )
    date: dt.date
    label: str
    rule: str
    article: str
    explanation: str
    state: Literal["past", "today", "future", "done"]
    calendar_source: str = Field("", description="the holiday notice behind a day counted on the calendar")
    warning: str = Field("", description="invitation_on: the invitation reaches nobody (R-MTG-4)")


class NeedOut(Schema):
    code: str = Field(description="held_on, invitation_on, guidance_until, publicity_until, earliest_held_on")
    date: dt.date = Field(description="the day the deadline is counted from")


class ProblemOut(Schema):
    code: str = Field(
        description="entry_too_late, publicity_too_late, republication_too_late, held_in_past, unknown_year"
    )
    rule: str
    message: str
    earliest_held_on: dt.date | None
    year: int | None = Field(None, description="unknown_year: the calendar year the city operator must load")
    needs: list[NeedOut] = Field(
        default_factory=list, description="unknown_year: the meeting's dates that wait for that year"
    )


class TimelineOut(Schema):
    ok: bool
    held_on: dt.date
    deadlines: list[DeadlineOut]
    problems: list[ProblemOut]
    earliest_held_on: dt.date | None


class NoticeGuidanceOut(Schema):
    office: str
    version: int = Field(description="The meeting version the opinion was given on.")
    text: str
    created_at: dt.datetime


class NoticeOut(Schema):
    """The public notice of a publicised meeting (no sign-in)."""

    id: int
    estate: str
    estate_address: str
    convener: str
    kind: MeetingKindT
    title: str
    place: str
    method: MethodT
    status: StatusT
    starts_at: dt.datetime
    voting_opens_at: dt.datetime
    voting_closes_at: dt.datetime
    version: int
    digest: str
    publicity_starts_on: dt.date
    publicity_ends_on: dt.date
    cancelled_at: dt.datetime | None
    cancel_reason: str
    topics: list[TopicOut]
    documents: list[str] = Field(description="Titles of the documents publicised with it.")
    guidance: list[NoticeGuidanceOut] = Field(
        description=(
            "The supervising office's guidance opinions, publicised with the notice (art. 12, R-MTG-2)."
        )
    )


class EligibilityOut(Schema):
    flat: str
    mode: Literal["electronic", "paper_only"]
    reason: str = Field(
        description="Why paper only: `bound_during_publicity` or `verified_during_publicity`."
    )
    reason_label: str


class MyEligibilityOut(Schema):
    meeting_id: int
    frozen: bool = Field(description="The snapshot is taken when voting opens; before that it is empty.")
    flats: list[EligibilityOut]


class CalendarYearOut(Schema):
    year: int
    holidays: list[dt.date]
    workdays: list[dt.date]
    source: str
    entered_by_operator: bool = Field(description="false: the shipped table of the State Council notice.")
    updated_at: dt.datetime | None
    updated_by: str


# --- proof of service of the notice (R-MTG-10) ----------------------------------------------------


class ServiceRecordOut(Schema):
    channel: str = Field(
        description="`inbox_read`, `sms_sent`, `wechat_sent`, `sms_delivered`, `wechat_delivered` or "
        "`paper_posted`."
    )
    version: int = Field(description="The notice version that reached the flat.")
    at: dt.datetime
    warning_shown: bool = Field(description="What reached the owners carried the 随多数 warning (R-TALLY-7).")
    place: str = Field("", description="Paper: where the notice was posted.")

    @staticmethod
    def resolve_at(obj) -> dt.datetime:
        return obj.at


class FlatServiceOut(Schema):
    flat_id: Id
    building: str
    room: str
    served: bool
    records: list[ServiceRecordOut]

    @staticmethod
    def resolve_flat_id(obj) -> int:
        return obj.flat.pk

    @staticmethod
    def resolve_building(obj) -> str:
        return obj.flat.building.name

    @staticmethod
    def resolve_room(obj) -> str:
        return obj.flat.room


class ServiceOut(Schema):
    flats: int
    served: int
    unserved: int
    follow_majority: bool
    rows: list[FlatServiceOut]


class PaperServiceIn(Schema):
    place: str = Field(max_length=200, description="Where the notice was posted.")
    posted_at: Moment = Field(description="When it was posted (not before the publicity, not in the future).")
    flat_ids: list[Id] = Field(default_factory=list, description="The flats it serves (or `building_id`).")
    building_id: Id | None = Field(None, description="Every flat of this building (instead of `flat_ids`).")
    warning_shown: bool = Field(False, description="The posted notice carries the 随多数 warning.")
