"""Request and response shapes of /api/complaints/. Who complained leaves only masked, and only
to the handling office (R-SEC-4); oversight figures carry no identity."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from . import permissions
from .models import Complaint

SubjectLiteral = Literal["meeting", "binding", "ballot", "count"]
StatusLiteral = Literal["submitted", "accepted", "declined", "concluded"]


class ComplaintIn(Schema):
    estate_id: int
    subject: SubjectLiteral = Field(description="What the complaint is about.")
    meeting_id: int | None = Field(None, description="Required for `meeting`, `ballot` and `count`.")
    text: str = Field(description="What happened, at least 10 characters.")


class ComplaintFileOut(Schema):
    id: int
    name: str
    size: int
    content_type: str


class ComplaintOut(Schema):
    id: int
    estate_id: int
    estate_name: str
    subject: SubjectLiteral
    meeting_id: int | None
    text: str
    status: StatusLiteral
    filed_at: dt.datetime
    accept_by: dt.date = Field(
        description="Last day to decide whether it is accepted (15 days, first not counted)."
    )
    conclude_by: dt.date | None = Field(
        description="Last day to conclude an accepted complaint (60 days from acceptance; 30 more once "
        "extended)."
    )
    extended_at: dt.datetime | None = Field(description="When the time limit was extended (once only).")
    extension_reason: str
    overdue: bool
    handler_kind: str = Field(
        description="`street_office`, or `district_bureau` where the street office convened."
    )
    handler_division_id: int
    handling_organisation: str = Field(description="The office that decided, once it did.")
    decided_at: dt.datetime | None
    decline_reason: str
    accept_note: str
    investigation: str
    outcome: str
    concluded_at: dt.datetime | None
    files: list[ComplaintFileOut]
    complainant_name_masked: str | None = Field(
        description="Only for the handling office; null for anybody else."
    )
    complainant_mobile_masked: str | None = Field(
        description="Only for the handling office; null for anybody else."
    )


def complaint_out(user, c: Complaint, today: dt.date) -> dict:
    handler = permissions.can_handle(user, c)
    return {
        "id": c.pk,
        "estate_id": c.estate_id,
        "estate_name": c.estate.name,
        "subject": c.subject,
        "meeting_id": c.meeting_id,
        "text": c.text,
        "status": c.status,
        "filed_at": c.filed_at,
        "accept_by": c.accept_by,
        "conclude_by": c.conclude_by,
        "overdue": c.overdue_on(today),
        "handler_kind": c.handler_kind,
        "handler_division_id": c.handler_division_id,
        "handling_organisation": c.handling_organisation.name if c.handling_organisation_id else "",
        "decided_at": c.decided_at,
        "decline_reason": c.decline_reason,
        "accept_note": c.accept_note,
        "extended_at": c.extended_at,
        "extension_reason": c.extension_reason,
        "investigation": c.investigation,
        "outcome": c.outcome,
        "concluded_at": c.concluded_at,
        "files": [
            {"id": f.pk, "name": f.name, "size": f.size, "content_type": f.content_type}
            for f in c.files.all()
        ],
        "complainant_name_masked": c.name_masked if handler else None,
        "complainant_mobile_masked": c.mobile_masked if handler else None,
    }


class AcceptIn(Schema):
    note: str = ""


class DeclineIn(Schema):
    reason: str


class ExtendIn(Schema):
    reason: str


class ConcludeIn(Schema):
    investigation: str
    outcome: str


class ContactOut(Schema):
    name: str
    mobile: str


class OverdueOut(Schema):
    id: int
    estate_id: int
    estate_name: str
    subject: SubjectLiteral
    status: StatusLiteral
    filed_at: dt.datetime
    due_by: dt.date
    days_late: int
    handler_kind: str
    handler_division_id: int


class DivisionRowOut(Schema):
    division_id: int
    name: str
    total: int
    open: int
    overdue: int


class ComplaintFiguresOut(Schema):
    division_id: int
    division_name: str
    total: int
    by_status: dict[str, int]
    overdue_accept: int = Field(description="Not decided within 15 days of receipt.")
    overdue_conclude: int = Field(description="Not concluded within 60 days of acceptance.")
    overdue: list[OverdueOut] = Field(description="The overdue complaints, without who complained.")
    divisions: list[DivisionRowOut]
