"""Request and response shapes of /api/me and /api/orgs/. Personal data leaves only as its
``*_masked`` column. (The error body every endpoint shares is ``core.schemas``.)"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema


class DivisionOut(Schema):
    id: int
    kind: str
    code: str
    name: str
    parent_id: int | None


class EstateRef(Schema):
    id: int
    name: str
    address: str


class OrganisationOut(Schema):
    id: int
    kind: str
    name: str


class TargetOut(Schema):
    type: Literal["division", "estate"]
    id: int
    name: str


class AssociationOut(Schema):
    id: int
    organisation: OrganisationOut
    target: TargetOut
    status: str
    note: str
    reason: str
    applied_by: str = Field(description="Applicant's real name.")
    applied_at: dt.datetime
    decided_by: str | None = Field(None, description="Decider's real name.")
    decided_at: dt.datetime | None

    @staticmethod
    def resolve_target(obj) -> dict:
        kind = "estate" if obj.estate_id else "division"
        target = obj.target()
        return {"type": kind, "id": target.pk, "name": target.name}

    @staticmethod
    def resolve_applied_by(obj) -> str:
        return obj.applied_by.display_name()

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return obj.decided_by.display_name() if obj.decided_by_id else None


ASSOCIATION_RELATED = ("organisation", "division", "estate", "applied_by", "decided_by")


class MembershipOut(Schema):
    organisation: OrganisationOut
    role: str


class MeOut(Schema):
    id: int
    username: str
    real_name: str
    mobile_masked: str
    memberships: list[MembershipOut]
    kinds: list[str] = Field(description="Organisation kinds the account acts as (approved only).")
    associations: list[AssociationOut] = Field(description="The approved associations it acts through.")


class RegisterIn(Schema):
    username: str = Field(max_length=150)
    password: str
    real_name: str = Field(max_length=100)
    mobile: str
    organisation_kind: str = Field(description="owners_committee, preparatory_group, street_office, ...")
    organisation_name: str = Field(max_length=200)
    credit_code: str = ""
    division_id: int | None = Field(None, description="For government bodies: the division they serve.")
    estate_id: int | None = Field(None, description="For conveners and organisation owners: the estate.")
    note: str = ""


class UserOut(Schema):
    id: int
    username: str
    real_name: str


class RegistrationReceivedOut(Schema):
    """The same whether or not the username was free: the outcome goes to the mobile by SMS."""

    received: bool
    message: str


class ApplyIn(Schema):
    organisation_id: int
    division_id: int | None = None
    estate_id: int | None = None
    note: str = ""


class AssociationDecisionIn(Schema):
    decision: Literal["approved", "refused", "revoked"]
    reason: str = Field("", description="Required to refuse or revoke.")


class TokenIn(Schema):
    name: str = Field(max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class NewTokenOut(TokenOut):
    key: str = Field(description="Send as `Authorization: Bearer <key>`. Shown once; only its hash is kept.")


class StaffIn(Schema):
    name: str = Field(max_length=100)
    id_number: str
    mobile: str
    valid_from: dt.date
    valid_until: dt.date | None = None


class StaffOut(Schema):
    id: int
    name_masked: str
    id_number_masked: str
    mobile_masked: str
    valid_from: dt.date
    valid_until: dt.date | None
    revoked_at: dt.datetime | None
    created_at: dt.datetime


class AccountOut(Schema):
    """A staff account the caller looks after (R-SEC-1)."""

    id: int
    username: str
    real_name: str
    second_factor: bool = Field(description="Whether a TOTP device is set up")


class EnrolmentCodeOut(Schema):
    account_id: int
    code: str = Field(description="One-time enrolment code. Shown once; only its hash is kept.")
    expires_at: dt.datetime


class ResetSecondFactorIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class UnlockedOut(Schema):
    account_id: int
    cleared: int = Field(description="Failed sign-in counters cleared")
