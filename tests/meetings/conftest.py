"""Fixtures for meetings: dates relative to today in Beijing time, the input of a meeting with a
yes/no item and an election, meetings brought to each state through the services, and readers of
the audit log, the outbox and the inboxes.

Meeting days are chosen relative to ``timezone.localdate()``, never as fixed dates: the suite runs
on any day (CI also runs it with the clock moved by OWNERVOTE_TEST_TODAY, see tests/conftest.py),
and the root conftest loads this year and the next two as the operator would. A test that loads a
year itself takes ``unshipped_year()``. What the worker does later is run with
``run_worker(at=...)``, which answers ``timezone.now()`` with that moment meanwhile."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from ownervote.audit.models import AuditEvent
from ownervote.core.files import Upload
from ownervote.meetings import audiences, services
from ownervote.meetings.models import (
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
from ownervote.notify.models import Notification, OutboxMessage
from ownervote.rules.calendar import SHIPPED
from tests.owners import ensure_totals
from tests.pdfs import minimal_pdf

BEIJING = ZoneInfo("Asia/Shanghai")
PDF = minimal_pdf()  # a meeting document must be a whole PDF


def today() -> dt.date:
    return timezone.localdate()


def day(n: int) -> dt.date:
    """Today + ``n`` days (Beijing)."""
    return today() + dt.timedelta(days=n)


def at(n: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """``hour``:``minute`` Beijing time, ``n`` days from today."""
    return dt.datetime.combine(day(n), dt.time(hour, minute), tzinfo=BEIJING)


def on(d: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(hour), tzinfo=BEIJING)


def unshipped_year() -> int:
    """The first year after today's that the shipped holiday table lacks: the year a test loads as
    the city operator would, whatever today is."""
    year = today().year + 1
    while year in SHIPPED:
        year += 1
    return year


def weekday_on_or_after(d: dt.date, weekday: int) -> dt.date:
    """The first day from ``d`` on that falls on ``weekday`` (Monday is 0)."""
    return d + dt.timedelta(days=(weekday - d.weekday()) % 7)


def topics() -> list[dict]:
    """A topic with a yes/no item (category 4) and one with an election of 3 of 4 candidates."""
    return [
        {
            "title": "选聘物业服务企业",
            "description": "",
            "items": [
                {
                    "title": "是否续聘深圳市某物业服务有限公司",
                    "description": "续聘三年",
                    "kind": "question",
                    "category": 4,
                    "seats": None,
                    "max_choices": None,
                    "candidates": [],
                }
            ],
        },
        {
            "title": "选举业主委员会委员",
            "description": "",
            "items": [
                {
                    "title": "选举第二届业主委员会委员",
                    "description": "",
                    "kind": "election",
                    "category": 3,
                    "seats": 3,
                    "max_choices": 3,
                    "candidates": [
                        {"name": "陈一", "profile": "1栋业主"},
                        {"name": "林二", "profile": ""},
                        {"name": "黄三", "profile": ""},
                        {"name": "周四", "profile": ""},
                    ],
                }
            ],
        },
    ]


def meeting_input(days: int = 25, **overrides) -> dict:
    """The keyword arguments of ``meeting_create`` for a meeting ``days`` from today: it starts at
    09:00, voting from 09:00 to 18:00 that day."""
    values = {
        "kind": "regular",
        "title": "2026年度第二次业主大会会议",
        "place": "碧海花园会所二楼",
        "method": "mixed",
        "starts_at": at(days, 9),
        "voting_opens_at": at(days, 9),
        "voting_closes_at": at(days, 18),
        "topics": topics(),
    }
    values.update(overrides)
    return values


@pytest.fixture
def convener(staff):
    return staff["convener"]


@pytest.fixture
def make_meeting(staff, estates):
    """make_meeting(days=25, state="draft", actor=None, estate="a", **fields) -> Meeting brought
    through the services to ``state``: draft, submitted, published. The estate's totals are
    confirmed first (R-ROSTER-1; the small roster imported into an empty estate), and a meeting is
    publicised after its supervisor's guidance (art. 12, R-MTG-2; ``guide``)."""

    def make(days: int = 25, state: str = "draft", *, actor=None, estate: str = "a", **fields) -> Meeting:
        actor = actor or staff["convener"]
        ensure_totals(estates[estate], actor)  # R-ROSTER-1: the estate's totals come before its meetings
        meeting = services.meeting_create(
            actor=actor, estate_id=estates[estate].pk, **meeting_input(days, **fields)
        )
        if state in ("submitted", "published"):
            services.meeting_submit(actor=actor, meeting_id=meeting.pk)
        if state == "published":
            if meeting.kind == Meeting.Kind.FIRST:
                attach_all(actor, meeting)
            guide(meeting)  # art. 12, R-MTG-2: publicised according to the guidance
            services.meeting_publish(actor=actor, meeting_id=meeting.pk)
        meeting.refresh_from_db()
        return meeting

    return make


def guide(meeting: Meeting, text: str = "同意按计划公示。") -> Guidance:
    """The supervising office (the street office; the district bureau where the street office
    convenes, R-ORG-3) gives its guidance on the entered meeting, so that it may be publicised today
    (art. 12, R-MTG-2: the publicity follows the guidance or waits for its window to run out)."""
    supervisor = audiences.supervisor_users(meeting)[0]
    return services.guidance_give(actor=supervisor, meeting_id=meeting.pk, text=text)


@pytest.fixture
def preparatory(make_staff, estates):
    """A preparatory group approved for estate a: the convener of its first assembly."""
    return make_staff("preparatory_group", estate=estates["a"])


def attach_all(actor, meeting: Meeting, kinds=MeetingDocument.REQUIRED_FOR_FIRST) -> None:
    for kind in kinds:
        services.document_add(
            actor=actor, meeting_id=meeting.pk, kind=kind, title="", upload=Upload(f"{kind}.pdf", PDF)
        )


def actions(estate=None) -> list[str]:
    rows = AuditEvent.objects.all()
    if estate is not None:
        rows = rows.filter(estate_id=estate.pk)
    return list(rows.order_by("id").values_list("action", flat=True))


def inbox(user, kind: str | None = None) -> list[Notification]:
    rows = Notification.objects.filter(user=user)
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.order_by("id"))


def outbox(event: str | None = None, **filters) -> list[OutboxMessage]:
    rows = OutboxMessage.objects.filter(**filters)
    if event is not None:
        rows = rows.filter(event=event)
    return list(rows.order_by("id"))


@pytest.fixture
def snapshot():
    """Everything a refused call must leave untouched: the counts of every meeting table, the
    audit log, the outbox and the inboxes, and the meetings' rows themselves."""

    def take() -> tuple:
        counts = tuple(
            model.objects.count()
            for model in (
                Meeting,
                Topic,
                Item,
                Candidate,
                MeetingVersion,
                MeetingDocument,
                Guidance,
                Publicity,
                Eligibility,
                AuditEvent,
                OutboxMessage,
                Notification,
            )
        )
        meetings = tuple(Meeting.objects.order_by("pk").values_list())
        return counts, meetings

    return take
