"""The meeting notice (会议公告): what the public notice page shows and the printable PDF to seal
and post in the estate (R-MTG-3, art. 12 and 29), with the estate's QR code (art. 8).

``notice_for(meeting)`` gathers everything the notice shows from a meeting the caller may show
(``access.access_public_meeting`` or ``access.access_meeting``); ``notice_pdf(notice)`` renders it
with WeasyPrint and the embedded Noto Sans CJK SC subset, as the binding list PDF does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ownervote.bindinglist.documents import PDF, page_counter_css
from ownervote.core import qr

from . import scopes
from .models import Item, Meeting

__all__ = ["PDF", "Notice", "notice_for", "notice_html", "notice_pdf", "notice_pdf_document", "public_url"]


@dataclass(frozen=True)
class NoticeCandidate:
    name: str
    profile: str


@dataclass(frozen=True)
class NoticeItem:
    number: int  # across the meeting: 1, 2, 3 ...
    title: str
    description: str
    kind: str
    kind_label: str
    category: int
    category_label: str
    seats: int | None
    max_choices: int | None
    candidates: list[NoticeCandidate]
    scope: str = ""  # R-MTG-9: "表决范围：3栋、5栋业主"; "" for the whole estate
    scope_flats: tuple[str, ...] = ()  # a list of flats: the flats, as the roster names them

    @property
    def is_election(self) -> bool:
        return self.kind == Item.Kind.ELECTION


@dataclass(frozen=True)
class NoticeTopic:
    number: int
    title: str
    description: str
    items: list[NoticeItem]


@dataclass(frozen=True)
class NoticeFile:
    id: int
    kind: str
    kind_label: str
    title: str
    name: str
    size: int
    uploaded_at: dt.datetime


@dataclass(frozen=True)
class NoticeChange:
    """A republication after a change (R-MTG-6): "changed on … because …"."""

    on: dt.date
    version: int
    reason: str


@dataclass(frozen=True)
class NoticeGuidance:
    """The supervising office's guidance opinion, publicised with the notice (art. 12, R-MTG-2)."""

    office: str
    on: dt.date
    version: int
    text: str


@dataclass(frozen=True)
class Notice:
    meeting_id: int
    estate_id: int
    estate_name: str
    estate_place: str  # district · street · community
    estate_address: str
    convener: str
    convener_named: str  # with the capacity a government body convenes in (R-ORG-3, R-ORG-4)
    kind: str
    kind_label: str
    title: str
    place: str
    method: str
    method_label: str
    status: str
    status_label: str
    starts_at: dt.datetime
    voting_opens_at: dt.datetime
    voting_closes_at: dt.datetime
    version: int
    publicity_starts_on: dt.date | None
    publicity_ends_on: dt.date | None
    published_on: dt.date | None  # the first publication
    topics: list[NoticeTopic]
    documents: list[NoticeFile]
    changes: list[NoticeChange] = field(default_factory=list)
    guidance: list[NoticeGuidance] = field(default_factory=list)
    cancelled_on: dt.date | None = None
    cancel_reason: str = ""
    generated_at: dt.datetime | None = None
    # The counting settings (R-TALLY-7, R-ROSTER-5): frozen at the publicity, else the estate's now.
    # Under 随多数 the notice warns of it, and its service proves the warning reached the flats (R-MTG-10).
    follow_majority: bool = False
    parking_counts: bool = False
    counting_frozen: bool = False

    @property
    def is_first_assembly(self) -> bool:
        return self.kind == Meeting.Kind.FIRST

    @property
    def items_count(self) -> int:
        return sum(len(t.items) for t in self.topics)

    @property
    def last_change(self) -> NoticeChange | None:
        return self.changes[-1] if self.changes else None


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value else None


def _scope_fields(item: Item) -> dict:
    """R-MTG-9: the scope of an item for part of the estate, as the notice names it."""
    content = scopes.scope_content(item)
    if content is None:
        return {}
    return {"scope": scopes.label_of(content), "scope_flats": tuple(content.get("flats", ()))}


def notice_for(meeting: Meeting) -> Notice:
    """Everything the notice shows about ``meeting`` (which the caller has been allowed to see)."""
    estate = meeting.estate
    place = " · ".join(
        d.name
        for d in (estate.street.parent if estate.street_id else None, estate.street, estate.community)
        if d
    )
    topics = []
    for t_number, topic in enumerate(meeting.topics.prefetch_related("items__candidates"), start=1):
        items = [
            NoticeItem(
                number=item.position,
                title=item.title,
                description=item.description,
                kind=item.kind,
                kind_label=str(item.get_kind_display()),
                category=item.category,
                category_label=str(item.get_category_display()),
                seats=item.seats,
                max_choices=item.max_choices,
                candidates=[NoticeCandidate(c.name, c.profile) for c in item.candidates.all()],
                **_scope_fields(item),
            )
            for item in topic.items.all()
        ]
        topics.append(NoticeTopic(t_number, topic.title, topic.description, items))
    documents = [
        NoticeFile(
            id=d.pk,
            kind=d.kind,
            kind_label=str(d.get_kind_display()),
            title=d.title,
            name=d.file.name,
            size=d.file.size,
            uploaded_at=d.uploaded_at,
        )
        for d in meeting.documents.filter(removed_at__isnull=True).select_related("file")
    ]
    publicities = list(meeting.publicities.select_related("version").order_by("published_at", "pk"))
    running = next((p for p in publicities if p.superseded_at is None), None)
    changes = [
        NoticeChange(on=_local_date(p.published_at), version=p.version.number, reason=p.reason)
        for p in publicities
        if p.reason
    ]
    return Notice(
        meeting_id=meeting.pk,
        estate_id=estate.pk,
        estate_name=estate.name,
        estate_place=place,
        estate_address=estate.address,
        convener=meeting.convener.name,
        convener_named=meeting.convener.convener_label,
        kind=meeting.kind,
        kind_label=str(meeting.get_kind_display()),
        title=meeting.title,
        place=meeting.place,
        method=meeting.method,
        method_label=str(meeting.get_method_display()),
        status=meeting.status,
        status_label=str(meeting.get_status_display()),
        starts_at=timezone.localtime(meeting.starts_at),
        voting_opens_at=timezone.localtime(meeting.voting_opens_at),
        voting_closes_at=timezone.localtime(meeting.voting_closes_at),
        version=meeting.version,
        publicity_starts_on=running.starts_on if running else meeting.publicity_starts_on,
        publicity_ends_on=running.ends_on if running else meeting.publicity_ends_on,
        published_on=_local_date(publicities[0].published_at) if publicities else None,
        topics=topics,
        documents=documents,
        changes=changes,
        follow_majority=meeting.counts_follow_majority,
        parking_counts=meeting.counts_parking,
        counting_frozen=meeting.counting_frozen,
        guidance=[
            NoticeGuidance(
                office=g.organisation.name, on=_local_date(g.created_at), version=g.version, text=g.text
            )
            for g in meeting.guidance.select_related("organisation").order_by("created_at", "pk")
        ],
        cancelled_on=_local_date(meeting.cancelled_at),
        cancel_reason=meeting.cancel_reason if meeting.status == Meeting.Status.CANCELLED else "",
        generated_at=timezone.localtime(),
    )


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def public_url(meeting_id: int) -> str:
    """The absolute address of the public notice page."""
    return settings.OWNERVOTE_PUBLIC_URL.rstrip("/") + reverse("meetings:notice", args=[meeting_id])


def notice_title(notice: Notice) -> str:
    return _("Notice of the owners' assembly meeting: %(title)s") % {"title": notice.title}


def notice_html(notice: Notice) -> str:
    """The HTML the PDF is made from (its only text source)."""
    return render_to_string(
        "meetings/notice_pdf.html",
        {
            "n": notice,
            "doc_title": notice_title(notice),
            "qr_svg": qr.svg_inline(
                notice.estate_id, title=_("QR code: %(estate)s e-voting") % {"estate": notice.estate_name}
            ),
            "qr_url": qr.estate_url(notice.estate_id),
            "notice_url": public_url(notice.meeting_id),
            "page_counter": page_counter_css(),
            "running_head": _css_string(notice_title(notice)),
            "generated_at": notice.generated_at.strftime("%Y-%m-%d %H:%M") if notice.generated_at else "",
        },
    )


def notice_pdf_document(notice: Notice):
    """The laid-out WeasyPrint document (its pages and text can be inspected in tests)."""
    # Imported here: WeasyPrint (and the Pango it loads) is heavy; only a PDF download needs it.
    from weasyprint import HTML

    return HTML(string=notice_html(notice), base_url=settings.OWNERVOTE_PUBLIC_URL).render()


def notice_pdf(notice: Notice) -> bytes:
    return notice_pdf_document(notice).write_pdf()
