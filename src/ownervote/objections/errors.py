"""The error codes of objections to the result (R-TRUST-2): part of the API contract."""

from __future__ import annotations

from ownervote.core.errors import Codes


class Code(Codes):
    NOT_FOUND = "objection.not_found"
    MEETING_NOT_FOUND = "meeting.not_found"
    FLAT_NOT_FOUND = "flat.not_found"
    NOT_OWNER = "objection.not_owner"
    FORBIDDEN = "objection.forbidden"
    NOT_PUBLICISED = "objection.not_in_publicity"
    KIND_INVALID = "objection.kind_invalid"
    NOT_OWN_FLAT = "objection.not_own_flat"
    OWN_FLAT = "objection.own_flat"
    NO_BALLOT = "objection.no_ballot"
    GROUNDS_REQUIRED = "objection.grounds_required"
    TEXT_REQUIRED = "objection.text_required"
    ANSWER_REQUIRED = "objection.answer_required"
    ANSWER_TOO_LATE = "objection.answer_too_late"
    ALREADY_ANSWERED = "objection.already_answered"
    NOT_ANSWERED = "objection.not_answered"
    ALREADY_CLOSED = "objection.already_closed"
    REFER_FORBIDDEN = "objection.refer_forbidden"
