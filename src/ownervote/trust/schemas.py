"""Request and response shapes of /api/signals/ (R-TRUST-1). Evidence leaves masked only; a clear
value only through ``POST .../reveal``, logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from . import permissions, selectors
from .models import Kind, Signal


class ReviewIn(Schema):
    outcome: str = Field(
        description="`dismissed`, `referred` (to the convener as an objection) or `complaint` "
        "(a complaint opened by the office)."
    )
    note: str = Field(description="The reason for the outcome (required).")


class SignalRevealIn(Schema):
    item: int = Field(ge=0, le=100_000, description="The evidence item's index in `evidence`.")
    field: str = Field(description="`owner`, `name`, `holder`, `mobile` or `id_number`.")
    reason: str = Field(description="Why the value must be seen (required; logged).")


class SignalRevealValueOut(Schema):
    item: int
    field: str
    value: str


class SignalReviewOut(Schema):
    outcome: str
    note: str
    reviewer_real_name: str
    organisation_name: str
    evidence_count: int
    at: dt.datetime


class SignalRevealOut(Schema):
    item: int
    field: str
    reason: str
    by_real_name: str
    at: dt.datetime


class SignalOut(Schema):
    id: int
    estate_id: int
    estate_name: str
    meeting_id: int | None
    kind: str
    kind_label: str
    status: str
    measure: dict[str, Any]
    evidence_count: int
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    handler_kind: str
    handler_division_id: int
    reviewed_at: dt.datetime | None
    complaint_id: int | None
    can_review: bool


class SignalDetailOut(SignalOut):
    evidence: list[dict[str, Any]]
    reviews: list[SignalReviewOut]
    reveals: list[SignalRevealOut]


def signal_out(user, s: Signal) -> dict:
    return {
        "id": s.pk,
        "estate_id": s.estate_id,
        "estate_name": s.estate.name,
        "meeting_id": s.meeting_id,
        "kind": s.kind,
        "kind_label": str(Kind(s.kind).label),
        "status": s.status,
        "measure": s.measure if isinstance(s.measure, dict) else {},
        "evidence_count": s.evidence_count,
        "first_seen_at": s.first_seen_at,
        "last_seen_at": s.last_seen_at,
        "handler_kind": s.handler_kind,
        "handler_division_id": s.handler_division_id,
        "reviewed_at": s.reviewed_at,
        "complaint_id": s.complaint_id,
        "can_review": permissions.can_review(user, s),
    }


def signal_detail_out(user, s: Signal) -> dict:
    return {
        **signal_out(user, s),
        "evidence": [e for e in (s.evidence or []) if isinstance(e, dict)],
        "reviews": [
            {
                "outcome": r.outcome,
                "note": r.note,
                "reviewer_real_name": r.reviewer_real_name,
                "organisation_name": r.organisation.name,
                "evidence_count": r.evidence_count,
                "at": r.at,
            }
            for r in selectors.reviews(s)
        ],
        "reveals": [
            {
                "item": r.item,
                "field": r.field,
                "reason": r.reason,
                "by_real_name": r.by.display_name(),
                "at": r.at,
            }
            for r in selectors.reveals(s)
        ],
    }
