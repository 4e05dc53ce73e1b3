"""The error codes of meetings and the holiday calendar: part of the API's contract (clients and
tests match on them, never on the message)."""

from __future__ import annotations

from ownervote.core.errors import Codes


class Code(Codes):
    # reaching a meeting (access.py)
    NOT_FOUND = "meeting.not_found"
    FORBIDDEN = "meeting.forbidden"
    DOCUMENT_NOT_FOUND = "meeting.document_not_found"
    VERSION_NOT_FOUND = "meeting.version_not_found"
    # The estate a meeting is set up in (roster's code, raised here with the same meaning).
    ESTATE_NOT_FOUND = "estate.not_found"
    # setting up and changing (R-MTG-1, R-MTG-6, R-MTG-7)
    INVALID = "meeting.invalid"
    SCHEDULE = "meeting.schedule"
    CHANGE_TOO_LATE = "meeting.change_too_late"
    UNCHANGED = "meeting.unchanged"
    NOT_CHANGEABLE = "meeting.not_changeable"
    WRONG_STATUS = "meeting.wrong_status"
    FIRST_NEEDS_PREPARATORY_GROUP = "meeting.first_needs_preparatory_group"
    REASON_REQUIRED = "meeting.reason_required"
    # publicity and documents (R-MTG-3, R-MTG-4, R-MTG-5)
    DOCUMENTS_MISSING = "meeting.documents_missing"
    DOCUMENT_REQUIRED = "meeting.document_required"
    NO_COMMUNITY = "meeting.no_community"
    # publicity waits for the guidance, or for its window to run out (art. 12, R-MTG-2, R-MTG-3)
    GUIDANCE_PENDING = "meeting.guidance_pending"
    # the estate's totals (art. 7, 25, R-ROSTER-1): confirmed before the entry, current when voting opens
    TOTALS_UNCONFIRMED = "meeting.totals_unconfirmed"
    TOTALS_STALE = "meeting.totals_stale"
    FILE_TYPE = "meeting.file_type"
    FILE_NOT_PDF = "meeting.file_not_pdf"  # starts like a PDF, is not a whole one
    # guidance (R-MTG-2)
    GUIDANCE_FORBIDDEN = "meeting.guidance_forbidden"
    GUIDANCE_CLOSED = "meeting.guidance_closed"
    GUIDANCE_REQUIRED = "meeting.guidance_required"
    # opening the voting (voting.services.opening: R-BIND-2, R-VOTE-4)
    VOTING_NOT_YET = "meeting.voting_not_yet"
    # proof of service of the notice (R-MTG-10)
    SERVICE_FLATS = "meeting.service_flats"
    SERVICE_PHOTO = "meeting.service_photo"
    SERVICE_PLACE = "meeting.service_place"
    SERVICE_TIME = "meeting.service_time"
    # the holiday calendar (R-MTG-4)
    CALENDAR_FORBIDDEN = "calendar.forbidden"
    CALENDAR_INVALID = "calendar.invalid"
    CALENDAR_YEAR_NOT_FOUND = "calendar.year_not_found"


# A refused schedule: the pages show its rules and the earliest date that works.
SCHEDULE_CODES = (Code.SCHEDULE, Code.CHANGE_TOO_LATE)
