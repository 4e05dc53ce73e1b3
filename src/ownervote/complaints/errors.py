"""The error codes of complaints (R-SEC-4): part of the API contract, imported by tests and clients
instead of retyped."""

from __future__ import annotations

from ownervote.core.errors import Codes


class Code(Codes):
    NOT_FOUND = "complaint.not_found"
    ESTATE_NOT_FOUND = "estate.not_found"
    MEETING_NOT_FOUND = "meeting.not_found"
    FILE_NOT_FOUND = "file.not_found"
    NOT_OWNER = "complaint.not_owner"
    FORBIDDEN = "complaint.forbidden"
    SUBJECT_INVALID = "complaint.subject_invalid"
    MEETING_REQUIRED = "complaint.meeting_required"
    TEXT_TOO_SHORT = "complaint.text_too_short"
    TOO_MANY_FILES = "complaint.too_many_files"
    FILE_TYPE = "complaint.file_type"
    ALREADY_DECIDED = "complaint.already_decided"
    NOT_ACCEPTED = "complaint.not_accepted"
    REASON_REQUIRED = "complaint.reason_required"
    INVESTIGATION_REQUIRED = "complaint.investigation_required"
    OUTCOME_REQUIRED = "complaint.outcome_required"
    ALREADY_EXTENDED = "complaint.already_extended"
    EXTENSION_TOO_LATE = "complaint.extension_too_late"
    DIVISION_NOT_FOUND = "division.not_found"
    NOT_SUPERVISOR = "complaint.not_supervisor"
