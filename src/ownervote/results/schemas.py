"""Schemas of /api/results (api/results.py): a meeting's result versions, the street office's
guidance, the publicity, and the public result with its counted receipts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from ownervote.core.schemas import JobOut


class CorrectsOut(Schema):
    number: int = Field(description="The publicised version this version corrects (R-SEC-6).")
    reason: str


class ResultVersionOut(Schema):
    number: int
    generated_at: dt.datetime
    reason: str = Field(description="Why this version was generated (required from version 2).")
    digest: str = Field(description="SHA-256 of the version's canonical content.")
    merkle_root: str = Field(description="Merkle root of the counted ballots' archive entries.")
    follow_majority: bool = Field(description="Computed with the estate's 随多数 rule (R-TALLY-7).")
    resolved_on: dt.date
    superseded_at: dt.datetime | None
    submitted_at: dt.datetime | None
    guidance_ends_on: dt.date | None = Field(
        description="The supervising office's last day for guidance (Civil Code count, R-MTG-8)."
    )
    result_scan_sha256: str = Field(
        description="SHA-256 of the scan of the signed, sealed result table submitted (R-RES-2); '' before."
    )
    flats_scan_sha256: str = Field(description="SHA-256 of the scan of the signed per-flat table; '' before.")
    publicised: bool
    total_area: Decimal
    total_owners: int
    voted_area: Decimal
    voted_owners: int
    items_passed: int
    items_failed: int
    items_no_quorum: int
    corrects: CorrectsOut | None = Field(
        None, description="For a correction's version: the publicised version it corrects and why (R-SEC-6)."
    )


class CorrectionIn(Schema):
    reason: str = Field(max_length=2000, description="Why the publicised result is corrected (required).")


class CorrectionOut(Schema):
    id: int
    corrects: int = Field(description="The publicised version being corrected.")
    reason: str
    opened_at: dt.datetime
    version: int | None = Field(description="The version that completed it; null while it is open.")
    completed_at: dt.datetime | None


class ResultGuidanceOut(Schema):
    id: int
    version: int
    organisation: str
    author: str
    text: str
    created_at: dt.datetime
    after_publicity: bool = Field(description="Given after the publicity of its version started (R-RES-3).")


class ResultPublicityOut(Schema):
    version: int
    starts_on: dt.date
    ends_on: dt.date
    late_reason: str = Field(description="Why it started more than 3 days after the resolution.")
    published_at: dt.datetime


class ResultOut(Schema):
    meeting_id: int
    meeting_status: str
    voting_closes_at: dt.datetime
    can_close: bool = Field(description="The voting period has passed and the voting is still open.")
    current: ResultVersionOut | None
    outcome: list[str] = Field(description="The current version's outcome in plain sentences.")
    result: dict | None = Field(None, description="The current version's tally (`rules.tally.to_json`).")
    versions: list[ResultVersionOut]
    guidance: list[ResultGuidanceOut]
    guidance_open: bool
    publicity: ResultPublicityOut | None
    publicity_due_by: dt.date | None = Field(
        description="The last day the publicity starts on without a reason (3 days, Civil Code count)."
    )
    publicise_from: dt.date | None = Field(
        None,
        description="Once submitted: the first day the convener may publicise without guidance "
        "(R-RES-3: the guidance window's or the publicity's last day, whichever comes first).",
    )
    correction: CorrectionOut | None = Field(
        None,
        description="The open correction of the publicised result (R-SEC-6): while it is open, late "
        "paper ballots may be counted; generating the next version completes it.",
    )


class VersionDetailOut(ResultVersionOut):
    content: dict = Field(
        description="The frozen content (docs/CONTRACTS.md, Results), with the per-flat table `flats`."
    )


class MeetingClosedOut(Schema):
    meeting_id: int
    status: str
    voting_closes_at: dt.datetime


class GenerateIn(Schema):
    reason: str = Field("", max_length=5000, description="Required from version 2.")


class ResultJobOut(JobOut):
    """The background job generating a version (``core.schemas.JobOut``): once ``done``,
    ``version`` is the new version's number."""

    version: int | None


class ResultGuidanceIn(Schema):
    text: str = Field(max_length=5000)


class PublicityIn(Schema):
    starts_on: dt.date
    ends_on: dt.date = Field(description="At least 10 days after `starts_on` (the first day is not counted).")
    late_reason: str = Field(
        "", max_length=5000, description="Required when starting after `publicity_due_by`."
    )


class ReceiptsPageOut(Schema):
    count: int = Field(description="Counted electronic ballots.")
    page: int
    pages: int
    page_size: int
    hashes: list[str] = Field(description="Their ballot hashes, in hash order.")


class PublicPublicityOut(Schema):
    starts_on: dt.date
    ends_on: dt.date


class PublicGuidanceOut(Schema):
    organisation: str
    text: str
    created_at: dt.datetime
    after_publicity: bool


class PublicResultOut(Schema):
    meeting_id: int
    title: str
    estate: str
    version: int
    digest: str
    merkle_root: str
    publicity: PublicPublicityOut
    outcome: list[str]
    items: list[dict] = Field(description="The items as frozen in the version (no per-flat data).")
    result: dict = Field(description="The tally (`rules.tally.to_json`).")
    guidance: list[PublicGuidanceOut] = Field(
        description="The supervising office's guidance on this version."
    )
    result_scan_sha256: str = Field(description="SHA-256 of the signed result table's scan ('' if none).")
    corrects: CorrectsOut | None = Field(
        None, description="This version corrects a publicised one (更正, R-SEC-6): which, and why."
    )
    receipts: ReceiptsPageOut


class ResultReceiptOut(Schema):
    code: str
    counted: bool = Field(description="Its ballot is counted in the publicised result.")
    ballot_hash: str
    page: int | None = Field(description="The page of the public hash list that shows it, when counted.")
