"""The error codes of the impersonation signals (R-TRUST-1): part of the API contract
(``{"error": {"code": ...}}``), imported by tests and clients instead of retyped."""

from __future__ import annotations

from ownervote.core.errors import Codes


class Code(Codes):
    NOT_FOUND = "signal.not_found"
    FORBIDDEN = "signal.forbidden"
    STAFF_ONLY = "signal.staff_only"
    OUTCOME_INVALID = "signal.outcome_invalid"
    NOTE_REQUIRED = "signal.note_required"
    ALREADY_REVIEWED = "signal.already_reviewed"
    EVIDENCE_NOT_FOUND = "signal.evidence_not_found"
    FIELD_NOT_REVEALABLE = "signal.field_not_revealable"
    REASON_REQUIRED = "signal.reason_required"
    REFER_NEEDS_MEETING = "signal.refer_needs_meeting"
    # the city's thresholds
    THRESHOLDS_FORBIDDEN = "trust.thresholds_forbidden"
    THRESHOLD_INVALID = "trust.threshold_invalid"
