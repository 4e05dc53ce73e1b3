"""What the public anchor pages /p/audit/ read (R-SEC-5): each estate's audit chain head as the
daily anchor kept it (``audit.anchors``), with bounded queries: one page of estates at a time
(each with its latest anchor, by subquery), one page of one estate's days, one page of one day's
anchors for the JSON.

The JSON (format ``ownervote.audit-anchors``, version 1) is what ``manage.py verify_audit
--anchors FILE`` reads: ``anchors`` is a list of ``{"stream", "seq", "hash", "day"}``; ``next``
is the address of the next page, or null.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from ownervote.audit.models import AuditAnchor
from ownervote.audit.services import GLOBAL_STREAM, stream_for
from ownervote.roster.models import Estate

FORMAT = "ownervote.audit-anchors"
VERSION = 1
ESTATES_PAGE = 50  # estates per page of the index
DAYS_PAGE = 60  # days per page of one estate's history
JSON_PAGE = 1000  # anchors per page of the JSON


def daily() -> QuerySet[AuditAnchor]:
    return AuditAnchor.objects.filter(kind=AuditAnchor.Kind.DAILY)


def estates_page(number, query: str = "") -> Page:
    """One page of estates (by id; ``query`` filters by name), each annotated with its latest
    daily anchor: ``anchor_day``, ``anchor_seq``, ``anchor_hash`` (None when not anchored yet)."""
    latest = daily().filter(estate_id=OuterRef("pk")).order_by("-day")
    estates = Estate.objects.select_related("street").order_by("id")
    if query:
        estates = estates.filter(name__icontains=query)
    estates = estates.annotate(
        anchor_day=Subquery(latest.values("day")[:1]),
        anchor_seq=Subquery(latest.values("seq")[:1]),
        anchor_hash=Subquery(latest.values("hash")[:1]),
    )
    return Paginator(estates, ESTATES_PAGE).get_page(number)


def latest_global() -> AuditAnchor | None:
    """The latest daily anchor of the chain of actions outside any estate."""
    return daily().filter(stream=GLOBAL_STREAM).order_by("-day").first()


def stream_days(stream: str, number, per_page: int = DAYS_PAGE) -> Page:
    """One page of a stream's daily anchors, the newest day first."""
    rows = daily().filter(stream=stream).order_by("-day").only("day", "seq", "hash", "stream")
    return Paginator(rows, per_page).get_page(number)


def estate_stream(estate: Estate) -> str:
    return stream_for(estate.pk)


def latest_day() -> dt.date | None:
    return daily().order_by("-day").values_list("day", flat=True).first()


def day_page(day: dt.date | None, number) -> Page:
    """One page of every stream's anchor of ``day`` (by stream; none when no day was anchored)."""
    rows = daily().filter(day=day) if day else daily().none()
    rows = rows.order_by("stream").only("day", "seq", "hash", "stream")
    return Paginator(rows, JSON_PAGE).get_page(number)


def document(page: Page, *, about: dict, next_url: str | None) -> dict:
    """The JSON people archive: ``about`` says what it lists (an estate's chain, or a day)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        **about,
        "how_to_check": (
            "Keep this file. Later, whoever runs the server checks that the audit log still "
            "extends every head listed here: manage.py verify_audit --anchors <this file>. A head "
            "the log no longer extends means the log was rewritten, cut short or emptied."
        ),
        "anchors": [
            {"stream": a.stream, "seq": a.seq, "hash": a.hash, "day": a.day.isoformat()} for a in page
        ],
        "page": page.number,
        "pages": page.paginator.num_pages,
        "next": next_url,
    }
