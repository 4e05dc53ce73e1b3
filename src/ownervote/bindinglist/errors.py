"""The error codes of the binding list (R-BIND-3) and of objections (R-BIND-4): part of the API
contract, imported by tests and clients instead of retyped."""

from __future__ import annotations

from ownervote.core.errors import Codes
from ownervote.rules import publicity


class Code(Codes):
    FORBIDDEN = "binding_list.forbidden"
    ESTATE_NOT_FOUND = "estate.not_found"
    BINDING_NOT_FOUND = "binding.not_found"
    FILE_NOT_FOUND = "file.not_found"
    # publications (R-BIND-3)
    PUBLICATION_NOT_FOUND = "publication.not_found"
    PUBLICATION_TOO_SHORT = "publication.too_short"
    PUBLICATION_STARTS_IN_PAST = "publication.starts_in_past"
    PUBLICATION_ENDS_BEFORE_START = "publication.ends_before_start"
    PUBLICATION_OVERLAP = "publication.overlap"
    PUBLICATION_REASON_REQUIRED = "publication.reason_required"
    PUBLICATION_WITHDRAWN = "publication.withdrawn"
    PUBLICATION_ENDED = "publication.ended"
    EXTENSION_NOT_LATER = "publication.extension_not_later"
    EXTENSION_REASON_REQUIRED = "publication.extension_reason_required"
    # objections (R-BIND-4)
    OBJECTION_NOT_FOUND = "objection.not_found"
    OBJECTION_FORBIDDEN = "objection.forbidden"
    OBJECTION_NOT_OWNER = "objection.not_owner"
    OBJECTION_OWN_BINDING = "objection.own_binding"
    OBJECTION_OUTSIDE_PUBLICITY = "objection.outside_publicity"
    OBJECTION_BINDING_ENDED = "objection.binding_ended"
    OBJECTION_DUPLICATE = "objection.duplicate"
    OBJECTION_REASON_TOO_SHORT = "objection.reason_too_short"
    OBJECTION_TOO_MANY_FILES = "objection.too_many_files"
    OBJECTION_FILE_TYPE = "objection.file_type"
    OBJECTION_CHECK_REQUIRED = "objection.check_required"
    OBJECTION_OUTCOME = "objection.outcome"
    OBJECTION_CORRECTION_REQUIRED = "objection.correction_required"
    OBJECTION_CORRECTION_MOBILE = "objection.correction_mobile"
    OBJECTION_DECIDED = "objection.decided"


# What ``rules.publicity`` finds wrong with a period, as the code of the refusal.
PERIOD_CODES = {
    publicity.TOO_SHORT: Code.PUBLICATION_TOO_SHORT,
    publicity.STARTS_IN_PAST: Code.PUBLICATION_STARTS_IN_PAST,
    publicity.ENDS_BEFORE_START: Code.PUBLICATION_ENDS_BEFORE_START,
}
