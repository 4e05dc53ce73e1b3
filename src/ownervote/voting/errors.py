"""The error codes voting raises (``core.errors.Codes``): part of the API's contract, so tests and
clients import them instead of retyping the strings.

A few codes are named after the meeting because the person sees the meeting (``meeting.not_found``,
the meeting's voting status); the codes of a refused electronic ballot are decided by the pure
``rules.eligibility`` and listed here under the same names."""

from __future__ import annotations

from ownervote.core.errors import Codes
from ownervote.rules import eligibility


class Code(Codes):
    INVALID_INPUT = "invalid_input"

    # the meeting as voting sees it
    MEETING_NOT_FOUND = "meeting.not_found"  # the meetings app's code: missing or not visible
    MEETING_FORBIDDEN = "meeting.forbidden"
    MEETING_WRONG_STATUS = "meeting.wrong_status"
    VOTING_NOT_OPEN = "meeting.voting_not_open"
    VOTING_NOT_OVER = "meeting.voting_not_over"

    # electronic ballots (services.cast, services.answers)
    NOT_ON_ROLL = eligibility.NOT_ON_ROLL
    ALREADY_VOTED = eligibility.ALREADY_VOTED
    NOT_OPEN = eligibility.NOT_OPEN
    CLOSED = eligibility.CLOSED
    NOT_ELIGIBLE = eligibility.NOT_ELIGIBLE
    PAPER_ONLY = eligibility.PAPER_ONLY
    AUTHORISATION_ENDED = eligibility.AUTHORISATION_ENDED
    PROXY_GRANTED = eligibility.PROXY_GRANTED
    PROXY_UNCONFIRMED = eligibility.PROXY_UNCONFIRMED
    REPRESENTATIVE = eligibility.REPRESENTATIVE
    NO_FLATS = "ballot.no_flats"
    MIXED_GROUPS = "ballot.mixed_groups"
    GROUP_INCOMPLETE = "ballot.group_incomplete"
    BALLOT_PROXY_NOT_FOUND = "ballot.proxy_not_found"
    BALLOT_PROXY_REVOKED = "ballot.proxy_revoked"
    BALLOT_EMPTY = "ballot.empty"
    OUT_OF_SCOPE = "ballot.out_of_scope"  # R-MTG-9: an answer to an item of another part of the estate
    RECEIPT_NOT_FOUND = "receipt.not_found"

    # the co-owners' representative (services.representatives)
    REPRESENTATIVE_NOT_FOUND = "representative.not_found"
    REPRESENTATIVE_NOT_CO_OWNER = "representative.not_co_owner"
    REPRESENTATIVE_CLOSED = "representative.closed"
    REPRESENTATIVE_FLAT_VOTED = "representative.flat_voted"
    REPRESENTATIVE_EXISTS = "representative.exists"
    REPRESENTATIVE_WRONG_STATUS = "representative.wrong_status"
    REPRESENTATIVE_ALREADY_CONSENTED = "representative.already_consented"

    # written proxies (services.proxies)
    PROXY_NOT_FOUND = "proxy.not_found"
    PROXY_FORBIDDEN = "proxy.forbidden"
    PROXY_MEETING_CLOSED = "proxy.meeting_closed"
    PROXY_INVALID = "proxy.invalid"
    PROXY_NOT_BOUND = "proxy.not_bound"
    PROXY_MIXED_OWNERS = "proxy.mixed_owners"
    PROXY_SELF = "proxy.self"
    PROXY_EXISTS = "proxy.exists"
    PROXY_TOO_MANY = "proxy.too_many"
    PROXY_REVOKED = "proxy.revoked"
    PROXY_USED = "proxy.used"
    PROXY_NO_DOCUMENT = "proxy.no_document"
    PROXY_CONFIRMED = "proxy.confirmed"  # accepted already
    PROXY_WRONG_MOBILE = "proxy.wrong_mobile"  # accepting needs the mobile the proxy names

    # the public list of the proxies in force (services.proxy_list, R-TRUST-3)
    PROXY_LIST_FORBIDDEN = "proxy_list.forbidden"
    PROXY_LIST_NOT_OPEN = "proxy_list.not_open"

    # progress, reminders and extensions (services.progress, services.extensions)
    PROGRESS_FORBIDDEN = "progress.forbidden"
    # the opening's invitations, sent by a background job (services.invitations)
    INVITATION_JOB_NOT_FOUND = "invitations.job_not_found"
    EXTENSION_NOT_FOUND = "extension.not_found"
    EXTENSION_FORBIDDEN = "extension.forbidden"
    EXTENSION_PENDING = "extension.pending"
    EXTENSION_TOO_LATE = "extension.too_late"
    EXTENSION_DECIDED = "extension.decided"

    # the paper count and the printed ballots (services.paper, services.paper_ballots)
    PAPER_FORBIDDEN = "paper.forbidden"
    SESSION_NOT_FOUND = "paper.session_not_found"
    SESSION_OPEN = "paper.session_open"
    SESSION_COMMITTED = "paper.session_committed"
    NOT_PAPER = "paper.not_paper"
    PAPER_WRONG_STATUS = "paper.wrong_status"
    NOT_CLOSED = "paper.not_closed"
    NO_DOUBLE_ENTRY = "paper.no_double_entry"
    UNKNOWN_FLAT = "paper.unknown_flat"
    FORGED_QR = "paper.forged_qr"
    OTHER_MEETING = "paper.other_meeting"
    ALREADY_COUNTED = "paper.already_counted"
    NOTHING_TO_RESOLVE = "paper.nothing_to_resolve"
    AFTER_CLOSE = "paper.after_close"
    RECEIVED_REQUIRED = "paper.received_required"  # when and how the paper was received (R-PAPER-2)
    RECEIVED_AFTER_CLOSE = "paper.received_after_close"
    ENTRY_NOT_FOUND = "paper.entry_not_found"
    UNRESOLVED = "paper.unresolved"
    NO_FLATS_TO_PRINT = "paper.no_flats"

    # the counted ballots of a meeting whose result is publicised (services.seal, R-SEC-6)
    BALLOTS_SEALED = "ballot.sealed"
