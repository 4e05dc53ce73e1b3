"""The error codes ``roster`` raises, and those of a refused roster file's rows (part of the API
contract: ``core.errors``; a refused import lists its rows' codes in ``ImportBatch.errors``)."""

from __future__ import annotations

from ownervote.core.errors import Codes


class Code(Codes):
    # Estates (R-ROSTER-1, R-ROSTER-5)
    ESTATE_NOT_FOUND = "estate.not_found"
    ESTATE_FORBIDDEN = "estate.forbidden"
    ESTATE_NAME_REQUIRED = "estate.name_required"
    ESTATE_STREET = "estate.street"
    ESTATE_COMMUNITY = "estate.community"
    ESTATE_EXISTS = "estate.exists"
    ESTATE_UNCHANGED = "estate.unchanged"
    # Changing the roster (R-ROSTER-2)
    FORBIDDEN = "roster.forbidden"
    REASON_REQUIRED = "roster.reason_required"
    FILE_NOT_FOUND = "file.not_found"
    # Flats and owners
    FLAT_NOT_FOUND = "flat.not_found"
    FLAT_AREA = "flat.area"
    FLAT_AREA_SOURCE = "flat.area_source"
    FLAT_USE = "flat.use"
    FLAT_UNCHANGED = "flat.unchanged"
    OWNER_NOT_FOUND = "owner.not_found"
    OWNER_FIELD = "owner.field"
    # Imports (R-ROSTER-4)
    IMPORT_NOT_FOUND = "import.not_found"
    IMPORT_NOT_PREVIEWED = "import.not_previewed"
    IMPORT_STALE = "import.stale"
    IMPORT_INVALID = "import.invalid"
    IMPORT_NOT_REFUSED = "import.not_refused"
    IMPORT_PARTIAL = "import.partial"
    IMPORT_CONFIRMATION_REQUIRED = "import.confirmation_required"
    # Totals (R-ROSTER-1, R-ROSTER-3)
    TOTALS_COMMUNITY_MISSING = "totals.community_missing"
    TOTALS_EMPTY_ROSTER = "totals.empty_roster"
    # A roster file that cannot be read at all
    FILE_UNREADABLE = "roster.file_unreadable"
    FILE_ENCODING = "roster.file_encoding"
    FILE_TYPE = "roster.file_type"
    EVIDENCE_TYPE = "roster.evidence_type"  # a supporting file that is not a photo or a whole PDF
    FILE_EMPTY = "roster.file_empty"
    COLUMNS_MISSING = "roster.columns_missing"
    TOO_MANY_ERRORS = "roster.too_many_errors"
    # A row of a roster file (each with its spreadsheet row and column)
    REQUIRED = "roster.required"
    AREA_INVALID = "roster.area_invalid"
    AREA_NOT_POSITIVE = "roster.area_not_positive"
    AREA_PRECISION = "roster.area_precision"
    AREA_TOO_LARGE = "roster.area_too_large"
    AREA_SOURCE_INVALID = "roster.area_source_invalid"
    USE_INVALID = "roster.use_invalid"
    OWNER_COUNT_MISMATCH = "roster.owner_count_mismatch"
    OWNER_KIND_INVALID = "roster.owner_kind_invalid"
    ID_NUMBER_INVALID = "roster.id_number_invalid"
    CREDIT_CODE_INVALID = "roster.credit_code_invalid"
    MOBILE_INVALID = "roster.mobile_invalid"
    SHARE_INVALID = "roster.share_invalid"
    OWNER_REPEATED = "roster.owner_repeated"
    DATE_INVALID = "roster.date_invalid"
    DUPLICATE_ROOM = "roster.duplicate_room"
    OWNER_INCONSISTENT = "roster.owner_inconsistent"
