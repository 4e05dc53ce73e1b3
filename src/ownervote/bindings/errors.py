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
    # the roster's objects, as bindings reaches them
    ESTATE_NOT_FOUND = "estate.not_found"
    FLAT_NOT_FOUND = "flat.not_found"
