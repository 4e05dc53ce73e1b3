"""Request and response shapes of the casting routes of /api/voting (voting/api/cast.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from ownervote.core.schemas import Id


class VoterFlatOut(Schema):
    flat_id: int
    flat: str = Field(description='"building-room", e.g. "1栋-101".')
    via: str = Field(description="`owner`, `staff` (for an organisation), `representative` or `proxy`.")
    proxy_id: int | None = None
    can_vote: bool
    code: str = Field(
        description="Why not, when `can_vote` is false: `ballot.paper_only`, `ballot.already_voted`, "
        "`ballot.representative`, `ballot.proxy_granted`, `ballot.not_open`, `ballot.closed`, "
        "`ballot.not_eligible`, `ballot.authorisation_ended`, `ballot.not_on_roll`."
    )
    reason: str
    voted_at: dt.datetime | None = None
    area: Decimal | None = None
    submit_with: list[int] = Field(
        description="Every flat one submission must cover (this one and the others of the same owner, "
        "R-TALLY-9)."
    )


class BallotIn(Schema):
    flat_ids: list[Id] = Field(description="The flats this submission covers: every flat of one owner.")
    answers: dict = Field(
        description='`{"<item id>": "yes" | "no" | "abstain"}` for a question; a list of candidate ids '
        '(at most the item\'s max_choices) or "abstain" for an election. '
        "An item left out counts as an abstention."
    )
    proxy_id: Id | None = Field(None, description="Vote as the holder of this proxy.")


class ReceiptOut(Schema):
    code: str = Field(description='The receipt code, e.g. "K7Q2-M9XD-4FPA".')
    digest: str = Field(description="SHA-256 of the ballot's canonical content and a random salt.")
    meeting_id: int
    cast_at: dt.datetime
    flats: list[str]
    partial: bool = Field(description="Some item was left unmarked (counts as an abstention).")


class AnswerRowOut(Schema):
    item_id: int
    position: int
    item: str
    kind: str
    answer: str = Field(description='"yes", "no", "abstain", or "" when left unmarked.')
    candidates: list[str]


class MyBallotOut(ReceiptOut):
    by_proxy: bool
    answers: list[AnswerRowOut]


class PublicReceiptOut(Schema):
    code: str
    meeting_id: int
    meeting: str
    estate: str
    cast_at: dt.datetime
    digest: str


class CoOwnerOut(Schema):
    user_id: int
    name: str
    consented: bool
    me: bool


class RepresentativeFlatOut(Schema):
    flat_id: int
    flat: str
    co_owners: list[CoOwnerOut]
    representative_id: int | None = None
    representative_user_id: int | None = None
    status: str | None = Field(None, description="`proposed` or `effective`; empty when none.")
    can_change: bool
    reason: str


class RepresentativeIn(Schema):
    flat_id: Id
    user_id: Id = Field(description="The bound co-owner who will vote for the flat (maybe yourself).")


class RepresentativeOut(Schema):
    id: int
    meeting_id: int
    flat_id: int
    user_id: int
    status: str
    effective_at: dt.datetime | None = None
    withdrawn_at: dt.datetime | None = None
