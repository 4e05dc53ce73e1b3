"""Request and response shapes of /api/objections/ (R-TRUST-2). Who raised an objection never
leaves: the convener and the staff read the flat, the kind and the text."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema

from ownervote.core.schemas import Id
from ownervote.meetings import selectors as meeting_selectors

from .models import ResultObjection
from .services import flat_label

KindLiteral = Literal["never_voted", "wrong_choice", "doubt_other"]
StatusLiteral = Literal["open", "answered", "accepted", "disputed", "complaint"]


class ResultObjectionIn(Schema):
    meeting_id: Id
    flat_id: Id = Field(description="The flat whose ballot is questioned.")
    kind: KindLiteral = Field(
        description="`never_voted` (own flat: I never voted but a ballot is recorded), `wrong_choice` "
        "(own flat: the recorded choices differ), `doubt_other` (another flat, grounds required)."
    )
    text: str = Field("", description="Details; for `doubt_other` the grounds, at least 10 characters.")
    receipt: str = Field("", description="The receipt code, in any spelling (optional).")


class AnswerIn(Schema):
    answer: str


class DisputeIn(Schema):
    reason: str = ""


class ResultObjectionOut(Schema):
    id: int
    meeting_id: int
    estate_id: int
    result_id: int | None
    flat_id: int | None
    flat: str = Field(description="Building and room, e.g. `1栋-102`.")
    kind: str
    text: str
    receipt: str
    status: StatusLiteral
    raised_at: dt.datetime
    answer_by: dt.date = Field(description="The publicity's last day: the convener answers by then.")
    overdue: bool
    answer: str
    answered_at: dt.datetime | None
    complaint_id: int | None = Field(description="The complaint it became (disputed or unanswered).")


def objection_out(o: ResultObjection) -> dict:
    today = timezone.localdate(timezone.now(), meeting_selectors.beijing())
    return {
        "id": o.pk,
        "meeting_id": o.meeting_id,
        "estate_id": o.estate_id,
        "result_id": o.result_id,
        "flat_id": o.flat_id,
        "flat": flat_label(o.flat),
        "kind": o.kind,
        "text": o.text,
        "receipt": o.receipt,
        "status": o.status,
        "raised_at": o.raised_at,
        "answer_by": o.answer_by,
        "overdue": o.overdue_on(today),
        "answer": o.answer,
        "answered_at": o.answered_at,
        "complaint_id": o.complaint_id,
    }


class CountsOut(Schema):
    raised: int
    answered: int
