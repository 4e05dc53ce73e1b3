"""The error codes of identity verification (R-ID-1, R-ID-2, R-ID-3) and of the face provider's
callbacks: part of the API contract (``{"error": {"code": ...}}``), imported by tests and clients
instead of retyped."""

from __future__ import annotations

from ownervote.core.errors import Codes


class Code(Codes):
    # who may
    AUTH_REQUIRED = "auth.required"  # the same code the API answers a caller without a session
    FORBIDDEN = "verification.forbidden"
    NOT_FOUND = "verification.not_found"
    # the methods (R-ID-3)
    METHOD_DISABLED = "verification.method_disabled"
    METHOD_NOT_FOUND = "verification.method_not_found"
    METHOD_UNCHANGED = "verification.method_unchanged"
    TITLE_REQUIRED = "verification.title_required"
    TITLE_TOO_LONG = "verification.title_too_long"
    REASON_REQUIRED = "verification.reason_required"
    EFFECTIVE_IN_PAST = "verification.effective_in_past"
    # the person's details
    NAME_REQUIRED = "verification.name_required"
    NAME_TOO_LONG = "verification.name_too_long"
    ID_REQUIRED = "verification.id_required"
    ID_INVALID = "verification.id_invalid"
    MOBILE_REQUIRED = "verification.mobile_required"
    MOBILE_INVALID = "verification.mobile_invalid"
    MOBILE_MISMATCH = "verification.mobile_mismatch"
    MOBILE_TAKEN = "verification.mobile_taken"
    CODE_REQUIRED = "verification.code_required"
    OTHER_PERSON = "verification.other_person"
    STATE = "verification.state"
    # on site (R-ID-2)
    CHECKS_REQUIRED = "verification.checks_required"
    FLAT_UNKNOWN = "verification.flat_unknown"
    NOT_OWNER = "verification.not_owner"
    NAME_MISMATCH = "verification.name_mismatch"
    PHOTO_REQUIRED = "verification.photo_required"
    PHOTO_TOO_LARGE = "verification.photo_too_large"
    PHOTO_NOT_IMAGE = "verification.photo_not_image"
    PHOTO_NOT_FOUND = "verification.photo_not_found"
    # the separate consent to face recognition (R-SEC-7)
    FACE_CONSENT_REQUIRED = "verification.face_consent_required"
    FACE_CONSENT_DECISION = "verification.face_consent_decision"
    FACE_CONSENT_STALE = "verification.face_consent_stale"
    # the face provider (R-ID-1)
    FACE_UNAVAILABLE = "face.unavailable"
    FACE_PROVIDER_ERROR = "face.provider_error"  # the provider refused our request (R-ID-4)
    FACE_UNKNOWN_REF = "face.unknown_ref"
    FACE_BAD_CALLBACK = "face.bad_callback"
    FACE_BAD_SIGNATURE = "face.bad_signature"
    FACE_CALLBACK_EXPIRED = "face.callback_expired"
    FACE_REPLAYED = "face.replayed"
    FACE_PENDING = "face.pending"
    FACE_SESSION_FINISHED = "face.session_finished"
