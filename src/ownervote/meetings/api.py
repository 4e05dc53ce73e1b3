"""/api/meetings: owners' assembly meetings (R-MTG-1..8, R-VOTE-4), and /api/calendar: the
official holiday calendar the deadlines count on (R-MTG-4).

A draft is seen by the estate's conveners only; an entered meeting by everybody who sees the
estate; a publicised one also by the owners bound in it, and its notice by anybody
(``GET /api/meetings/{id}/notice``, no sign-in). Only the organisation convening the meeting
changes it (403 ``meeting.forbidden`` for others who see it); only the street office of the
estate's street gives guidance. Schedule refusals are 422 ``meeting.schedule`` with
``details.problems`` (each with the rule, a sentence, and the earliest meeting date that works)
and ``details.earliest_held_on``; a change after publication that could not be publicised again
15 days before the meeting is 409 ``meeting.change_too_late`` with the same details."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Router, UploadedFile
from ninja.responses import Status

from ownervote.core.errors import NotFound
from ownervote.core.files import Upload
from ownervote.core.schemas import ERRORS, Id
from ownervote.core.views import download

from . import explain, selectors, served, services
from .access import access_document, access_meeting, access_public_meeting, access_service, access_version
from .errors import Code
from .models import Meeting
from .schemas import (
    CalendarYearIn,
    CalendarYearOut,
    DiffOut,
    DocumentIn,
    DocumentOut,
    EligibilityOut,
    GuidanceIn,
    GuidanceOut,
    MeetingIn,
    MeetingOut,
    MeetingPatchIn,
    MeetingSummaryOut,
    MyEligibilityOut,
    NoticeOut,
    PaperServiceIn,
    PreviewIn,
    ReasonIn,
    ServiceOut,
    ServiceRecordOut,
    TimelineOut,
    VersionOut,
    topics_with_items,
)
from .services import service as service_services

router = Router(tags=["meetings"])
calendar_router = Router(tags=["calendar"])


def _detail(request, meeting_id: Id) -> Meeting:
    return access_meeting(request.auth, meeting_id, content=True)


def _timeline(sched, *, today=None, done=frozenset(), problems=None, district=False) -> dict:
    problems = list(sched.problems if problems is None else problems)
    held = sched.deadline("held_on")
    cal = selectors.calendar()
    return {
        "ok": not problems,
        "held_on": held.on if held else None,
        "deadlines": [
            r.__dict__ for r in explain.rows(sched, today=today, done=done, cal=cal, district=district)
        ],
        "problems": explain.problems_detail(problems),
        "earliest_held_on": explain.earliest_of(problems),
    }


# --- meetings ---------------------------------------------------------------------------------


@router.get("", response={200: list[MeetingSummaryOut], **ERRORS}, summary="Meetings")
def list_meetings(request, estate_id: Id | None = None):
    """The meetings the caller may see (as staff, or as an owner bound in the estate), newest
    first; `estate_id` narrows to one estate."""
    return selectors.meetings_for(request.auth, estate_id)


# Routes with a fixed path come before "/{meeting_id}", which would otherwise take them.
@router.get("/to-guide", response={200: list[MeetingSummaryOut], **ERRORS}, summary="Meetings to guide")
def list_to_guide(request):
    """A street office's entered meetings of its streets (R-MTG-2), open guidance windows first.
    Empty for anybody else."""
    return selectors.to_guide(request.auth)


@router.post("", response={201: MeetingOut, **ERRORS}, summary="Set up a meeting")
def create_meeting(request, body: MeetingIn):
    """A draft, by the estate's approved convener (a first assembly: its preparatory group).
    422 `meeting.invalid` with `details.fields` (e.g. `topics.0.items.1.max_choices`);
    422 `meeting.schedule` when the meeting could not be entered and publicised in time today."""
    meeting = services.meeting_create(
        actor=request.auth,
        estate_id=body.estate_id,
        kind=body.kind,
        title=body.title,
        place=body.place,
        method=body.method,
        starts_at=body.starts_at,
        voting_opens_at=body.voting_opens_at,
        voting_closes_at=body.voting_closes_at,
        topics=body.topics,
    )
    return Status(201, _detail(request, meeting.pk))


@router.post("/timeline-preview", response={200: TimelineOut, **ERRORS}, summary="Preview a timeline")
def preview_timeline(request, body: PreviewIn):
    """The deadlines and problems of a meeting starting at `starts_at`, entered and publicised
    today, without saving anything; with `meeting_id`, of that meeting's change (publicised again
    today, R-MTG-6)."""
    meeting = _detail(request, body.meeting_id) if body.meeting_id is not None else None
    district = meeting.supervised_by_district if meeting is not None else False  # R-ORG-3
    return _timeline(selectors.preview(starts_at=body.starts_at, meeting=meeting), district=district)


@router.get("/{meeting_id}", response={200: MeetingOut, **ERRORS}, summary="A meeting")
def get_meeting(request, meeting_id: Id):
    return _detail(request, meeting_id)


@router.patch("/{meeting_id}", response={200: MeetingOut, **ERRORS}, summary="Change a meeting")
def update_meeting(request, meeting_id: Id, body: MeetingPatchIn):
    """Fields left out stay as they are; `topics` replaces every topic. A draft changes in place.
    An entered meeting needs `reason` and gains a version (R-MTG-6); a publicised one is
    publicised again from today (409 `meeting.change_too_late` with `details.earliest_held_on`
    when that could not run 15 days before the meeting)."""
    data = body.dict(exclude_unset=True)
    fields = {
        name: data.get(name)
        for name in (
            "kind",
            "title",
            "place",
            "method",
            "starts_at",
            "voting_opens_at",
            "voting_closes_at",
            "topics",
        )
    }
    # One route, two services: a draft is edited in place, an entered meeting changed as a version.
    if access_meeting(request.auth, meeting_id).status == Meeting.Status.DRAFT:
        services.draft_edit(actor=request.auth, meeting_id=meeting_id, **fields)
    else:
        services.meeting_change(
            actor=request.auth, meeting_id=meeting_id, reason=data.get("reason", ""), **fields
        )
    return _detail(request, meeting_id)


@router.post("/{meeting_id}/submit", response={200: MeetingOut, **ERRORS}, summary="Enter a meeting")
def submit_meeting(request, meeting_id: Id):
    """Enter the draft (R-MTG-1: at least 20 days before it is held). Version 1 is frozen and
    the street office is told; its guidance window opens (R-MTG-2)."""
    services.meeting_submit(actor=request.auth, meeting_id=meeting_id)
    return _detail(request, meeting_id)


@router.post("/{meeting_id}/publish", response={200: MeetingOut, **ERRORS}, summary="Publicise a meeting")
def publish_meeting(request, meeting_id: Id):
    """Publicise an entered meeting from today to the meeting day (R-MTG-3: at least 15 days
    before), with the binding list (R-BIND-3). A first assembly needs its documents (409
    `meeting.documents_missing`, `details.missing`). Schedules the community committee's
    invitation (R-MTG-4) and the opening of the voting; bound owners are told."""
    services.meeting_publish(actor=request.auth, meeting_id=meeting_id)
    return _detail(request, meeting_id)


@router.post("/{meeting_id}/cancel", response={200: MeetingOut, **ERRORS}, summary="Cancel a meeting")
def cancel_meeting(request, meeting_id: Id, body: ReasonIn):
    services.meeting_cancel(actor=request.auth, meeting_id=meeting_id, reason=body.reason)
    return _detail(request, meeting_id)


@router.get("/{meeting_id}/timeline", response={200: TimelineOut, **ERRORS}, summary="The meeting's timeline")
def get_timeline(request, meeting_id: Id):
    """Every deadline of the meeting explained (rule, article, date, state), and while it can
    still be entered or publicised, what stands in the way."""
    meeting = _detail(request, meeting_id)
    timeline = explain.meeting_timeline(meeting)
    held = selectors.held_on(meeting)
    return {
        "ok": not timeline.problems,
        "held_on": held,
        "deadlines": [r.__dict__ for r in timeline.rows],
        "problems": timeline.problems,
        "earliest_held_on": timeline.earliest_held_on,
    }


# --- documents (R-MTG-5) ----------------------------------------------------------------------


@router.get("/{meeting_id}/documents", response={200: list[DocumentOut], **ERRORS}, summary="Documents")
def list_documents(request, meeting_id: Id):
    return selectors.documents(_detail(request, meeting_id))


@router.post("/{meeting_id}/documents", response={201: DocumentOut, **ERRORS}, summary="Attach a document")
def add_document(request, meeting_id: Id, body: Form[DocumentIn], file: File[UploadedFile]):
    """Multipart form: `kind`, `title` (optional) and `file` (PDF, image, Word or Excel)."""
    document = services.document_add(
        actor=request.auth,
        meeting_id=meeting_id,
        kind=body.kind,
        title=body.title,
        upload=Upload.from_django(file),
    )
    return Status(201, document)


@router.delete(
    "/{meeting_id}/documents/{document_id}",
    response={200: DocumentOut, **ERRORS},
    summary="Remove a document",
)
def remove_document(request, meeting_id: Id, document_id: Id):
    document = access_document(request.auth, meeting_id, document_id)
    return services.document_remove(actor=request.auth, document_id=document.pk)


@router.get(
    "/{meeting_id}/documents/{document_id}/file",
    response={**ERRORS},
    openapi_extra={
        "responses": {
            200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
        }
    },
    summary="A document's file",
)
def document_file(request, meeting_id: Id, document_id: Id):
    """For whoever sees the meeting; the read is logged."""
    stored, content = services.document_read(
        actor=request.auth, meeting_id=meeting_id, document_id=document_id
    )
    return download(content, stored.name, stored.content_type)


# --- guidance (R-MTG-2) -----------------------------------------------------------------------


@router.get("/{meeting_id}/guidance", response={200: list[GuidanceOut], **ERRORS}, summary="Guidance")
def list_guidance(request, meeting_id: Id):
    return selectors.guidance_of(access_meeting(request.auth, meeting_id))


@router.post("/{meeting_id}/guidance", response={201: GuidanceOut, **ERRORS}, summary="Give guidance")
def give_guidance(request, meeting_id: Id, body: GuidanceIn):
    """The street office of the estate's street, within 5 days of the entry (409
    `meeting.guidance_closed` after, with `details.guidance_ends_on`)."""
    guidance = services.guidance_give(actor=request.auth, meeting_id=meeting_id, text=body.text)
    return Status(201, guidance)


# --- versions (R-MTG-6) -----------------------------------------------------------------------


@router.get("/{meeting_id}/versions", response={200: list[VersionOut], **ERRORS}, summary="Versions")
def list_versions(request, meeting_id: Id):
    """Every version since entry, with its SHA-256 and the reason for the change."""
    return selectors.versions_of(access_meeting(request.auth, meeting_id))


@router.get("/{meeting_id}/diff", response={200: DiffOut, **ERRORS}, summary="Compare two versions")
def diff_versions(request, meeting_id: Id, a: int, b: int):
    """What changed from version `a` to version `b`, field by field (items added, removed,
    changed)."""
    old = access_version(request.auth, meeting_id, a)
    new = access_version(request.auth, meeting_id, b)
    return {"a": a, "b": b, "rows": selectors.version_diff(old, new)}


# --- owners -----------------------------------------------------------------------------------


@router.get("/{meeting_id}/notice", response={200: NoticeOut, **ERRORS}, auth=None, summary="Public notice")
def public_notice(request, meeting_id: Id):
    """The notice of a publicised meeting, for anybody (no sign-in): what is publicised in the
    estate (art. 12, 29). 404 before publication."""
    meeting = access_public_meeting(meeting_id)
    publicity = selectors.current_publicity(meeting) or selectors.publicities(meeting).last()
    version = publicity.version if publicity else None
    return {
        "id": meeting.pk,
        "estate": meeting.estate.name,
        "estate_address": meeting.estate.address,
        "convener": meeting.convener.name,
        "kind": meeting.kind,
        "title": meeting.title,
        "place": meeting.place,
        "method": meeting.method,
        "status": meeting.status,
        "starts_at": meeting.starts_at,
        "voting_opens_at": meeting.voting_opens_at,
        "voting_closes_at": meeting.voting_closes_at,
        "version": version.number if version else meeting.version,
        "digest": version.digest if version else "",
        "publicity_starts_on": meeting.publicity_starts_on,
        "publicity_ends_on": meeting.publicity_ends_on,
        "cancelled_at": meeting.cancelled_at,
        "cancel_reason": meeting.cancel_reason,
        "topics": topics_with_items(meeting),
        "documents": [d.title for d in selectors.documents(meeting)],
        "guidance": [
            {"office": g.organisation.name, "version": g.version, "text": g.text, "created_at": g.created_at}
            for g in selectors.guidance_of(meeting)
        ],
    }


@router.get("/{meeting_id}/eligibility", response={200: MyEligibilityOut, **ERRORS}, summary="How I may vote")
def my_eligibility(request, meeting_id: Id):
    """The caller's flats in the meeting's eligibility snapshot (R-VOTE-4, art. 18): electronic,
    or paper only with the reason. Empty until voting opens."""
    meeting = _detail(request, meeting_id)
    rows = selectors.eligibility_for(request.auth, meeting)
    return {
        "meeting_id": meeting.pk,
        "frozen": meeting.voting_opened_at is not None,
        "flats": [
            EligibilityOut(
                flat=f"{r.flat.building.name}-{r.flat.room}",
                mode=r.mode,
                reason=r.reason,
                reason_label=str(r.get_reason_display()) if r.reason else "",
            )
            for r in rows
        ],
    }


# --- the holiday calendar (R-MTG-4) -----------------------------------------------------------


@calendar_router.get("/years", response={200: list[CalendarYearOut], **ERRORS}, summary="Calendar years")
def list_years(request):
    """Every year the calendar holds: the shipped State Council notices and the operator's years.
    A meeting needing any other year is refused (`unknown_year`)."""
    return selectors.calendar_years()


@calendar_router.get("/years/{year}", response={200: CalendarYearOut, **ERRORS}, summary="A calendar year")
def get_year(request, year: int):
    found = next((y for y in selectors.calendar_years() if y["year"] == year), None)
    if found is None:
        raise NotFound(Code.CALENDAR_YEAR_NOT_FOUND, _("This year's holidays are not loaded."))
    return found


@calendar_router.put(
    "/years/{year}", response={200: CalendarYearOut, **ERRORS}, summary="Enter or correct a year"
)
def put_year(request, year: int, body: CalendarYearIn):
    """The city operator enters a year's official holidays and make-up working days when the
    State Council publishes them (or corrects a shipped year). 403 `calendar.forbidden` for
    anybody else."""
    services.calendar_year_save(
        actor=request.auth, year=year, holidays=body.holidays, workdays=body.workdays, source=body.source
    )
    return next(y for y in selectors.calendar_years() if y["year"] == year)


@router.get(
    "/{meeting_id}/service", response={200: ServiceOut, **ERRORS}, summary="Proof of service of the notice"
)
def notice_service(request, meeting_id: Id, unserved: bool = False, building_id: int | None = None):
    """Per flat of the estate (natural order), how and when the notice reached its owners (R-MTG-10);
    `unserved=true`: only the flats not served yet. The convener and the supervising staff."""
    meeting = access_service(request.auth, meeting_id)
    rows = served.by_flat(meeting, building_id=building_id)
    if unserved:
        rows = [r for r in rows if not r.served]
    return {**served.counts(meeting), "follow_majority": meeting.counts_follow_majority, "rows": rows}


@router.post(
    "/{meeting_id}/service/paper",
    response={201: list[ServiceRecordOut], **ERRORS},
    summary="Record a posted paper notice",
)
def record_paper_service(request, meeting_id: Id, body: Form[PaperServiceIn], photo: File[UploadedFile]):
    """Multipart form: `place`, `posted_at`, `flat_ids` (repeated) or `building_id`, `warning_shown`
    and `photo` (JPEG, PNG or WebP). The meeting's convener only (R-MTG-10)."""
    rows = service_services.notice_paper_service(
        actor=request.auth,
        meeting_id=meeting_id,
        place=body.place,
        posted_at=body.posted_at,
        photo=Upload.from_django(photo),
        flat_ids=body.flat_ids,
        building_id=body.building_id,
        warning_shown=body.warning_shown,
    )
    return Status(201, rows)
