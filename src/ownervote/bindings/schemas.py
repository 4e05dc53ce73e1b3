"""Request and response shapes of /api/bindings. Owners appear only masked (R-SEC-1); estates,
buildings and rooms are public."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from ownervote.core.schemas import Id, Ref


class BindIn(Schema):
    flat_id: Id
    owner_id: Id | None = Field(
        None, description="Only when the person matches several owners of the flat (rare): which one."
    )


class FlatRef(Schema):
    id: int
    building: str
    room: str

    @staticmethod
    def resolve_building(obj):
        return obj.building.name


class BindingOut(Schema):
    id: int
    estate: Ref
    flat: FlatRef
    owner_name_masked: str = Field(description="The roster owner the binding is for, masked.")
    staff_of: str | None = Field(
        None, description="For authorised staff (R-ORG-2): the organisation they act for."
    )
    status: str = Field(description="active | ended")
    bound_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str = Field(
        description="by_owner | ownership_changed | objection_upheld | authorisation_ended"
    )
    end_reason_label: str
    end_note: str
    provenance: str = Field(
        "",
        description='R-DATA-1: "" for a binding made in OwnerVote; else the former platform it came from.',
    )

    @staticmethod
    def resolve_owner_name_masked(obj):
        return obj.owner.name_masked

    @staticmethod
    def resolve_staff_of(obj):
        return obj.staff.organisation.name if obj.staff_id else None

    @staticmethod
    def resolve_end_reason_label(obj):
        return str(obj.get_end_reason_display()) if obj.end_reason else ""


class EstateFoundOut(Schema):
    id: int
    name: str
    address: str
    street: Ref
    district: Ref | None
    community: Ref | None

    @staticmethod
    def resolve_district(obj):
        return obj.street.parent


class SuggestionOut(Schema):
    flat: FlatRef
    owner_id: int = Field(description="Pass as owner_id when binding.")
    staff_of: str | None = Field(
        None, description="Set when the match is as an organisation's authorised staff."
    )
    bound: bool = Field(description="You already have an active binding to this flat.")

    @staticmethod
    def resolve_owner_id(obj):
        return obj.owner.pk

    @staticmethod
    def resolve_staff_of(obj):
        return obj.staff.organisation.name if obj.staff else None


# --- moving a city over (R-DATA-1) -----------------------------------------------------------------


class BindingImportErrorOut(Schema):
    row: int = Field(description="The CSV line (the header is line 1) or the JSON record's position from 1.")
    field: str = Field(description='The field\'s English name; "" for the whole record.')
    code: str
    message: str


class BindingImportEstateOut(Schema):
    estate: str = Field(
        description='How the file names the estate: "#<estate_id>" or "<street_code>/<estate_name>".'
    )
    estate_id: int | None
    estate_name: str
    rows: int
    status: str = Field(
        description="imported | would_import (dry run) | failed (nothing of this estate imported)"
    )
    created: int
    unchanged: int = Field(
        description="Imported before under the same source and reference: left as they are."
    )
    already_bound: int = Field(description="The owner had already bound the flat in OwnerVote.")
    new_accounts: int
    errors: list[BindingImportErrorOut]


class BindingImportOut(Schema):
    source: str
    dry_run: bool
    ok: bool = Field(description="Every estate imported (or would be).")
    rows: int
    estates_imported: int
    estates_failed: int
    created: int
    unchanged: int
    already_bound: int
    new_accounts: int
    estates: list[BindingImportEstateOut]
