"""The error codes ``orgs`` raises (part of the API contract: ``core.errors``)."""

from __future__ import annotations

from ownervote.core.errors import Codes


class Code(Codes):
    # Registration (R-ORG-1, art. 6)
    ACCOUNT_KIND = "account.kind"
    ACCOUNT_REAL_NAME = "account.real_name"
    ACCOUNT_MOBILE = "account.mobile"
    ACCOUNT_ORGANISATION = "account.organisation"
    ACCOUNT_CREDIT_CODE = "account.credit_code"
    ACCOUNT_PASSWORD = "account.password"  # noqa: S105 - an error code
    USERNAME_TAKEN = "account.username_taken"  # no longer answered: registration never tells
    REGISTER_TOO_MANY = "account.register_too_many"
    # Associations (R-ORG-1, art. 4-6)
    ASSOCIATION_TARGET = "association.target"
    ASSOCIATION_TARGET_KIND = "association.target_kind"
    ASSOCIATION_EXISTS = "association.exists"
    ASSOCIATION_DECISION = "association.decision"
    ASSOCIATION_REASON_REQUIRED = "association.reason_required"
    ASSOCIATION_TRANSITION = "association.transition"
    ASSOCIATION_FORBIDDEN = "association.forbidden"
    ASSOCIATION_NOT_FOUND = "association.not_found"
    # A street office or community committee as an estate's convener (R-ORG-3, R-ORG-4, art. 33, 34)
    ASSOCIATION_OUTSIDE_DIVISION = "association.outside_division"
    ASSOCIATION_ESTATE_HAS_COMMITTEE = "association.estate_has_committee"
    ASSOCIATION_HANDOVER_UNFINISHED = "association.handover_unfinished"
    ORGANISATION_NOT_FOUND = "organisation.not_found"
    DIVISION_NOT_FOUND = "division.not_found"
    # API tokens
    TOKEN_NAME = "token.name"  # noqa: S105 - an error code
    TOKEN_NOT_FOUND = "token.not_found"  # noqa: S105 - an error code
    # An organisation owner's authorised staff (R-ORG-2, art. 31)
    STAFF_NAME = "staff.name"
    STAFF_ID_NUMBER = "staff.id_number"
    STAFF_MOBILE = "staff.mobile"
    STAFF_TERM = "staff.term"
    STAFF_EXISTS = "staff.exists"
    STAFF_NOT_FOUND = "staff.not_found"
    # Staff only (orgs.staff): the console, staff API routes and API tokens refuse owners
    STAFF_ONLY = "account.staff_only"
    # The second factor (orgs.middleware)
    SECOND_FACTOR_REQUIRED = "auth.second_factor_required"
    # Enrolling a second factor needs a one-time code from whoever manages the account (R-SEC-1)
    ENROLMENT_CODE_NONE = "enrolment_code.none"
    ENROLMENT_CODE_WRONG = "enrolment_code.wrong"
    ENROLMENT_CODE_EXPIRED = "enrolment_code.expired"
    ENROLMENT_CODE_USED = "enrolment_code.used"
    ENROLMENT_CODE_SELF = "enrolment_code.self"
    ACCOUNT_NOT_FOUND = "account.not_found"
    RESET_REASON_REQUIRED = "account.reset_reason_required"
    # API tokens come only from a session that passed the second factor
    TOKEN_NEEDS_SECOND_FACTOR = "token.second_factor_required"  # noqa: S105 - an error code
