"""Request and response shapes of /api/binding-lists/. Personal data leaves only masked
(art. 14 second paragraph, R-SEC-1)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from ownervote.core.schemas import Day, Ref
from ownervote.rules.publicity import PUBLICITY_MIN_DAYS

from .selectors import holder_of, is_overdue, is_running


class ListRowOut(Schema):
    binding_id: int
    flat: str = Field(description='Building and room, e.g. "1栋-101".')
    name_masked: str = Field(description="The bound person's masked name (for an organisation: its staff).")
    organisation: str = Field(
        description="The organisation owner bound through its authorised staff, or empty."
    )
    holder: str = Field(description='How the list shows the bound person: "张*" or "某公司（李*）".')
    mobile_masked: str
    bound_at: dt.datetime
    status: Literal["active", "ended"]
    end_reason: str = Field(description="Why an ended binding ended (e.g. `objection_upheld`), else empty.")
    ended_at: dt.datetime | None


class PublicationOut(Schema):
    id: int
    estate_id: int
    starts_on: dt.date
    ends_on: dt.date
    note: str
    binding_count: int = Field(description="Bindings in the list when it was published.")
    list_digest: str = Field(description="SHA-256 of the list as published.")
    publisher_real_name: str
    publisher_organisation: Ref
    published_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdraw_reason: str
    running: bool = Field(description="Today lies in the publicity and it is not withdrawn: objections open.")

    @staticmethod
    def resolve_running(obj):
        return is_running(obj)


class BindingListOut(Schema):
    estate: Ref
    publication: PublicationOut | None = Field(
        description="The publication running today, else the next one announced, else null."
    )
    list_digest: str = Field(description="SHA-256 of the list as it stands now.")
    rows: list[ListRowOut]


class PublicationIn(Schema):
    starts_on: Day
    ends_on: Day = Field(
        description=f"At least {PUBLICITY_MIN_DAYS} days after starts_on (the first day is not counted)."
    )
    note: str = Field("", max_length=4000)


class WithdrawIn(Schema):
    reason: str = Field(description="Required.", max_length=4000)


class ObjectionFileOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    content_type: str


class ObjectionOut(Schema):
    id: int
    estate_id: int
    publication_id: int
    binding_id: int
    flat: str
    holder: str = Field(description="The bound person, masked.")
    filed_by_masked: str = Field(description="Who objected, masked.")
    reason: str
    files: list[ObjectionFileOut]
    status: Literal["filed", "upheld", "corrected", "dismissed"]
    filed_at: dt.datetime
    decide_by: dt.date = Field(
        description="The publicity's last day: the convener decides by then (art. 15, R-BIND-4)."
    )
    overdue: bool = Field(description="Still undecided after decide_by: shown to the supervising office.")
    corrected_name_masked: str = Field(
        description="Outcome `corrected`: the name the list now shows, masked."
    )
    corrected_mobile_masked: str = Field(
        description="Outcome `corrected`: the mobile the list now shows, masked."
    )
    check_note: str
    outcome_note: str
    decider_real_name: str
    decided_at: dt.datetime | None

    @staticmethod
    def resolve_estate_id(obj):
        return obj.binding.estate_id

    @staticmethod
    def resolve_decide_by(obj):
        return obj.publication.ends_on

    @staticmethod
    def resolve_overdue(obj):
        return is_overdue(obj)

    @staticmethod
    def resolve_flat(obj):
        return f"{obj.binding.flat.building.name}-{obj.binding.flat.room}"

    @staticmethod
    def resolve_holder(obj):
        return holder_of(obj.binding)

    @staticmethod
    def resolve_filed_by_masked(obj):
        identity = getattr(obj.filed_by, "verified_identity", None)
        return identity.name_masked if identity is not None else obj.filed_by.mobile_masked

    @staticmethod
    def resolve_files(obj):
        return obj.files.all()


class ObjectionIn(Schema):
    binding_id: int
    reason: str = Field(description="Required, at least 10 characters.", max_length=4000)


class ObjectionDecisionIn(Schema):
    outcome: Literal["upheld", "corrected", "dismissed"] | None = Field(
        None,
        description="`upheld`: the binding was not genuine and is ended; `corrected`: the binding stays "
        "and the list's name or mobile is corrected (`corrected_name`, `corrected_mobile`, at least "
        "one); `dismissed`. Required unless the older `upheld` is given.",
    )
    upheld: bool | None = Field(
        None, description="Deprecated, for `outcome`: true is `upheld`, false is `dismissed`."
    )
    check_note: str = Field(description="Required: what was checked.", max_length=4000)
    outcome_note: str = Field(
        "", description="Announced to the estate's owners when upheld or corrected.", max_length=4000
    )
    corrected_name: str = Field("", description="Outcome `corrected`: the right name.", max_length=100)
    corrected_mobile: str = Field(
        "", description="Outcome `corrected`: the right mobile number (11 digits).", max_length=20
    )

    def chosen_outcome(self) -> str:
        if self.outcome is not None:
            return self.outcome
        if self.upheld is None:
            return ""
        return "upheld" if self.upheld else "dismissed"


class PublicationExtensionIn(Schema):
    ends_on: Day = Field(description="The new last day of the publicity, after its present one.")
    reason: str = Field(description="Required.", max_length=4000)
