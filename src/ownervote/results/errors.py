"""The error codes results raises (``core.errors.Codes``): part of the API's contract, so tests and
clients import them instead of retyping the strings."""

from __future__ import annotations

from ownervote.core.errors import Codes


class Code(Codes):
    MEETING_NOT_FOUND = "meeting.not_found"  # the meetings app's code: missing or not visible

    # the result (services.results) and its public page
    NOT_FOUND = "result.not_found"
    FORBIDDEN = "result.forbidden"
    NONE = "result.none"
    VOTING_NOT_CLOSED = "result.voting_not_closed"
    COUNT_OPEN = "result.count_open"
    REASON_REQUIRED = "result.reason_required"
    ALREADY_SUBMITTED = "result.already_submitted"
    NOT_SUBMITTED = "result.not_submitted"
    GUIDANCE_FORBIDDEN = "result.guidance_forbidden"
    GUIDANCE_CLOSED = "result.guidance_closed"
    GUIDANCE_REQUIRED = "result.guidance_required"
    GUIDANCE_PENDING = "result.guidance_pending"
    ALREADY_PUBLICISED = "result.already_publicised"
    PUBLICITY_INVALID = "result.publicity_invalid"
    LATE_REASON_REQUIRED = "result.late_reason_required"
    SCAN_REQUIRED = "result.scan_required"  # the signed tables are submitted with the result (R-RES-2)
    SCAN_TYPE = "result.scan_type"
    RECEIPT_NOT_FOUND = "receipt.not_found"
    JOB_NOT_FOUND = "result.job_not_found"  # no generation was ever asked for (services.generation)

    # corrections of a publicised result (services.corrections, R-SEC-6)
    NOT_PUBLICISED = "result.not_publicised"
    CORRECTION_OPEN = "result.correction_open"
    CORRECTION_REQUIRED = "result.correction_required"
    CORRECTION_REASON_REQUIRED = "result.correction_reason_required"

    # the printed tables (documents) and the archive (services.export)
    DOCUMENT_NOT_FOUND = "result.document_not_found"
    ARCHIVE_OUTDATED = "result.archive_outdated"

    # oversight (services.oversight)
    OVERSIGHT_FORBIDDEN = "oversight.forbidden"
    DIVISION_NOT_FOUND = "division.not_found"
    YEAR_INVALID = "oversight.year_invalid"
