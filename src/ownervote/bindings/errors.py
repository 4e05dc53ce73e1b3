"""The error codes of binding flats (R-BIND-1, R-BIND-2): part of the API contract, imported by
tests and clients instead of retyped."""

from __future__ import annotations

from ownervote.core.errors import Codes


class Code(Codes):
    NOT_FOUND = "binding.not_found"
    NOT_VERIFIED = "binding.not_verified"
    NOT_OWNER = "binding.not_owner"
    ALREADY_BOUND = "binding.already_bound"
    NOT_ACTIVE = "binding.not_active"
    REASON = "binding.reason"
    FORBIDDEN = "binding.forbidden"
    # moving a city over (R-DATA-1): the import of another platform's bindings
    IMPORT_FORBIDDEN = "binding_import.forbidden"
    IMPORT_SOURCE = "binding_import.source"
    IMPORT_FILE = "binding_import.file"
    IMPORT_TOO_LARGE = "binding_import.too_large"
    IMPORT_HEADER = "binding_import.header"
    IMPORT_RECORD = "binding_import.record"
    IMPORT_REQUIRED = "binding_import.required"
    IMPORT_TOO_LONG = "binding_import.too_long"
    IMPORT_ESTATE_ID = "binding_import.estate_id"
    IMPORT_ID_INVALID = "binding_import.id_invalid"
    IMPORT_MOBILE_INVALID = "binding_import.mobile_invalid"
    IMPORT_METHOD = "binding_import.method"
    IMPORT_DATE = "binding_import.date"
    IMPORT_ESTATE_UNKNOWN = "binding_import.estate_unknown"
    IMPORT_FLAT_UNKNOWN = "binding_import.flat_unknown"
    IMPORT_NOT_OWNER = "binding_import.not_owner"
    IMPORT_NAME_MISMATCH = "binding_import.name_mismatch"
    IMPORT_DUPLICATE = "binding_import.duplicate"
    IMPORT_MOBILE_SHARED = "binding_import.mobile_shared"
    IMPORT_OTHER_PERSON = "binding_import.other_person"
    IMPORT_BOUND_ELSEWHERE = "binding_import.bound_by_other_account"
    IMPORT_REF_CHANGED = "binding_import.ref_changed"
    # the roster's objects, as bindings reaches them
    ESTATE_NOT_FOUND = "estate.not_found"
    FLAT_NOT_FOUND = "flat.not_found"
