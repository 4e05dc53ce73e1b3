"""Request and response shapes of /api/estates/. Owners appear only through their ``*_masked``
columns; the plaintext is reachable only through the logged reveal endpoint (R-SEC-1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import WithJsonSchema

from ownervote.core.schemas import Ref


class EstateOut(Schema):
    id: int
    name: str
    address: str
    street: Ref
    district: Ref | None
    community: Ref | None
    parking_counts: bool = Field(description="R-ROSTER-5: parking spaces count towards area and owners.")
    follow_majority: bool = Field(
        False, description="R-TALLY-7: non-voters' rights are counted with the majority (随多数)."
    )
    created_at: dt.datetime

    @staticmethod
    def resolve_district(obj):
        return obj.street.parent


class EstateIn(Schema):
    name: str = Field(max_length=200)
    street_id: int
    community_id: int | None = None
    address: str = Field("", max_length=300)


class EstatePatchIn(Schema):
    reason: str = Field(description="Required: why the estate's settings change (R-ROSTER-2).")
    address: str | None = Field(None, max_length=300)
    community_id: int | None = None
    parking_counts: bool | None = None
    follow_majority: bool | None = None


class OwnerOut(Schema):
    id: int = Field(description="Owner id, for the reveal endpoint.")
    kind: str
    name_masked: str
    id_number_masked: str
    mobile_masked: str
    share: str
    valid_from: dt.date

    @staticmethod
    def resolve_id(obj):
        return obj.owner_id

    @staticmethod
    def resolve_kind(obj):
        return obj.owner.kind

    @staticmethod
    def resolve_name_masked(obj):
        return obj.owner.name_masked

    @staticmethod
    def resolve_id_number_masked(obj):
        return obj.owner.id_number_masked

    @staticmethod
    def resolve_mobile_masked(obj):
        return obj.owner.mobile_masked


class FlatOut(Schema):
    id: int
    building: str
    room: str
    area: Decimal
    area_source: str
    use: str
    owners: list[OwnerOut] = Field(description="Current owners (ended ownerships are history).")

    @staticmethod
    def resolve_building(obj):
        return obj.building.name

    @staticmethod
    def resolve_owners(obj):
        if hasattr(obj, "current_ownerships"):  # prefetched by roster.selectors.flats_for
            return obj.current_ownerships
        return obj.ownerships.filter(ended_at__isnull=True).select_related("owner").order_by("id")


# What the service accepts as an area (roster.services.flats: > 0, at most 2 decimals, below
# 10^10, the column's 12 digits), as a JSON number or text.
AREA_SCHEMA = {
    "anyOf": [
        {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10**10},
        {"type": "string", "pattern": r"^[0-9]{1,10}(\.[0-9]{1,2})?$"},
    ]
}


class FlatPatchIn(Schema):
    reason: str = Field(description="Required: why the flat changes (R-ROSTER-2).")
    area: Annotated[Decimal, WithJsonSchema(AREA_SCHEMA)] | None = Field(
        None, description="m², > 0, at most 2 decimals"
    )
    area_source: Literal["register", "survey", "contract"] | None = None
    use: Literal["residential", "commercial", "office", "parking", "other"] | None = None


class RevealIn(Schema):
    field: Literal["name", "id_number", "mobile"]


class RevealOut(Schema):
    owner_id: int
    field: str
    value: str = Field(description="The plaintext. This read is written to the audit log (R-SEC-1).")


class RosterFileOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    content_type: str


class ImportProblem(Schema):
    row: int = Field(description="Spreadsheet row number; the header is row 1 (0: the whole file).")
    column: str
    code: str
    message: str


class ImportOut(Schema):
    id: int
    status: Literal["previewed", "refused", "applied", "discarded"]
    file: RosterFileOut
    row_count: int
    errors: list[ImportProblem]
    diff: dict = Field(description="Counts (flats_added, flats_changed, ...) and a sample.")
    created_by: str
    created_at: dt.datetime
    change_id: int | None

    @staticmethod
    def resolve_created_by(obj):
        return obj.created_by.display_name()


class RosterReasonIn(Schema):
    reason: str = Field(description="Required: kept with the change under your real name (R-ROSTER-2).")


class ImportApplyIn(RosterReasonIn):
    confirm: str = Field(
        "",
        max_length=20,
        description="When the preview's `diff.guard.level` is `confirm` (the import removes or changes more "
        "than 10% of the roster, every flat of a building, or a flat with a ballot of a meeting still "
        "voting): the number `diff.guard.affected`, typed by the user. Without it: 409 "
        "`import.confirmation_required`, with the counts in `details`.",
    )


class ChangeOut(Schema):
    id: int
    kind: str
    reason: str
    summary: dict
    submitter_real_name: str
    submitted_at: dt.datetime
    files: list[RosterFileOut]

    @staticmethod
    def resolve_files(obj):
        return obj.files.all()


class TotalsOut(Schema):
    area: Decimal = Field(description="Total voting rights (总投票权数), m².")
    owners: int = Field(description="Total owners (业主总人数), counted per R-ROSTER-3.")
    flats: int = Field(description="Exclusive parts counted.")
    parking_counts: bool


class SnapshotOut(Schema):
    id: int
    total_area: Decimal
    total_owners: int
    total_flats: int
    parking_counts: bool
    confirmed_by: str
    confirmed_at: dt.datetime
    change_id: int

    @staticmethod
    def resolve_confirmed_by(obj):
        return obj.change.submitter_real_name


class EstateTotalsOut(Schema):
    current: TotalsOut = Field(description="Computed now from the roster.")
    confirmed: SnapshotOut | None = Field(description="The latest confirmed totals, which meetings refer to.")
