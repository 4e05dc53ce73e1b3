"""Reading the proof of service of a meeting's notice (R-MTG-10): per flat, the first service and
every record; the flats not served yet, per building, in natural order (``Flat.sort_key``). Who may
read it is ``access``'s (the convener and the supervising staff); writing is ``services.service``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from ownervote.roster.models import Building, Flat

from .models import Meeting, NoticeService
from .selectors import beijing


@dataclass
class FlatService:
    """One flat of the meeting with its service records, earliest first."""

    flat: Flat
    records: list[NoticeService] = field(default_factory=list)

    @property
    def first(self) -> NoticeService | None:
        return self.records[0] if self.records else None

    @property
    def served(self) -> bool:
        return bool(self.records)

    @property
    def warned(self) -> bool:
        return any(r.warning_shown for r in self.records)


def local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment, beijing()).strftime("%Y-%m-%d %H:%M") if moment else ""


def flats_of(meeting: Meeting, *, building_id: int | None = None):
    """The flats a notice of ``meeting`` serves: every flat of its estate on the roster."""
    rows = Flat.objects.filter(estate_id=meeting.estate_id, removed_at__isnull=True)
    if building_id is not None:
        rows = rows.filter(building_id=building_id)
    return rows.select_related("building").order_by("sort_key", "pk")


def buildings_of(meeting: Meeting) -> list[Building]:
    return list(Building.objects.filter(estate_id=meeting.estate_id).order_by("sort_key", "pk"))


def by_flat(meeting: Meeting, *, building_id: int | None = None) -> list[FlatService]:
    """Every flat of the meeting with its service records (earliest first), in natural order."""
    records: dict[int, list[NoticeService]] = {}
    for r in NoticeService.objects.filter(meeting=meeting).order_by("at", "id"):
        records.setdefault(r.flat_id, []).append(r)
    return [FlatService(f, records.get(f.pk, [])) for f in flats_of(meeting, building_id=building_id)]


def unserved(meeting: Meeting, *, building_id: int | None = None, q: str = "") -> list[Flat]:
    """The flats no notice of ``meeting`` reached yet; ``q`` filters by building or room."""
    served = NoticeService.objects.filter(meeting=meeting).values("flat_id")
    rows = flats_of(meeting, building_id=building_id).exclude(pk__in=served)
    q = " ".join((q or "").split())
    if q:
        rows = rows.filter(Q(room__icontains=q) | Q(building__name__icontains=q))
    return list(rows)


def counts(meeting: Meeting) -> dict:
    """How many flats the notice reached, and how many it did not yet."""
    total = flats_of(meeting).count()
    served = NoticeService.objects.filter(meeting=meeting).values("flat_id").distinct().count()
    return {"flats": total, "served": served, "unserved": total - served}


def first_service(meeting: Meeting) -> dict[int, NoticeService]:
    """Per flat id, the record of the per-flat table's 送达 column: the earliest one that proves the
    notice reached the flat's owners (read in the inbox, a delivery report, the posted paper;
    ``NoticeService.RECEIVED``), or, for a flat with none of those, the earliest acceptance by an
    SMS provider or WeChat. Electronic service takes effect when the message reaches the
    addressee's system (民事诉讼法 art. 90: 以送达信息到达受送达人特定系统的日期为送达日期), which a
    provider's acceptance does not show; the column says which it is."""
    out: dict[int, NoticeService] = {}
    sent: dict[int, NoticeService] = {}
    for r in NoticeService.objects.filter(meeting=meeting).order_by("at", "id"):
        (out if r.channel in NoticeService.RECEIVED else sent).setdefault(r.flat_id, r)
    return {**sent, **out}
