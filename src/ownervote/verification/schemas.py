"""Request and response shapes of /api/verification/. Personal data leaves only masked."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from ownervote.core.schemas import Day

MethodName = Literal["self_service", "on_site"]


class MethodNoticeOut(Schema):
    id: int
    method: MethodName
    enabled: bool = Field(
        description="The method is offered from `effective_on` (true) or withdrawn (false)."
    )
    title: str
    reason: str
    effective_on: dt.date
    published_at: dt.datetime


class MethodStateOut(Schema):
    method: MethodName
    label: str
    enabled: bool = Field(description="Offered today (R-ID-3): as the latest notice in force says.")
    upcoming: MethodNoticeOut | None = Field(None, description="The next change already announced, if any.")

    @staticmethod
    def resolve_label(obj):
        return str(obj["label"])


class MethodChangeIn(Schema):
    enabled: bool
    title: str = Field(max_length=200)
    reason: str = Field(max_length=4000)
    effective_on: Day = Field(description="Today or later (Beijing time).")


class IdentityOut(Schema):
    name_masked: str
    id_number_masked: str
    method: MethodName
    verified_at: dt.datetime


class VerificationOut(Schema):
    id: int
    method: MethodName
    status: Literal["started", "passed", "failed", "expired"]
    name_masked: str
    id_number_masked: str
    mobile_masked: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    failure_reason: str = Field(description="Why a self-service attempt failed (from the provider).")
    checker_real_name: str = Field(description="On site: the convener accountable for it (art. 9).")


class MyVerificationOut(Schema):
    verified: bool
    identity: IdentityOut | None
    latest: VerificationOut | None = Field(description="The latest attempt, of any outcome.")
    self_service_enabled: bool
    on_site_enabled: bool


class SelfServiceIn(Schema):
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=30)
    mobile: str = Field(max_length=20)
    code: str = Field(
        max_length=10, description="The SMS code from `POST /api/auth/sms-code` with purpose `verify`."
    )


class SelfServiceOut(Schema):
    verification_id: int
    status: str
    redirect_url: str = Field(
        description="Open this in the phone's browser: the provider's face recognition page."
    )


class FaceNotifyOut(Schema):
    ok: bool
    verification_id: int
    status: str


class OnsiteOut(Schema):
    id: int
    estate_id: int | None
    flat_id: int | None
    flat: str | None
    name_masked: str
    id_number_masked: str
    mobile_masked: str
    checker_real_name: str
    checker_organisation: str | None
    ownership_proof_checked: bool
    id_document_checked: bool
    note: str
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_flat(obj):
        return str(obj.flat) if obj.flat_id else None

    @staticmethod
    def resolve_checker_organisation(obj):
        return obj.checker_organisation.name if obj.checker_organisation_id else None


class OnsiteIn(Schema):
    flat_id: int
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=30)
    mobile: str = Field(max_length=20)
    ownership_proof_checked: bool = Field(description="The original proof of ownership was checked.")
    id_document_checked: bool = Field(description="The original ID card was checked.")
    note: str = Field("", max_length=2000)


# --- the separate consent to face recognition (R-SEC-7) ------------------------------------------


class FaceConsentOut(Schema):
    id: int
    decision: Literal["given", "refused"]
    text_version: str
    text_sha256: str = Field(description="SHA-256 of the notice's UTF-8 text the decision was made on.")
    decided_at: dt.datetime


class ConsentSectionOut(Schema):
    heading: str
    paragraphs: list[str]


class FaceConsentTextOut(Schema):
    version: str = Field(description="Send it back with the decision: only the current text counts.")
    sha256: str
    title: str
    sections: list[ConsentSectionOut]
    closing: str
    text: str = Field(description="The whole notice as one text; `sha256` is its hash.")
    consented: bool = Field(description="The caller's newest decision consents to this version.")
    latest: FaceConsentOut | None = Field(None, description="The caller's newest decision, if any.")
    on_site_enabled: bool = Field(description="The path without the face (R-ID-2) is offered today.")


class FaceConsentIn(Schema):
    decision: Literal["given", "refused"]
    version: str = Field(max_length=32)
