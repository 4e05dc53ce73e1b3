"""The error codes of the impersonation signals (R-TRUST-1): part of the API contract
(``{"error": {"code": ...}}``), imported by tests and clients instead of retyped."""

from __future__ import annotations

from ownervote.core.errors import Codes


class Code(Codes):
    # the city's thresholds
    THRESHOLDS_FORBIDDEN = "trust.thresholds_forbidden"
    THRESHOLD_INVALID = "trust.threshold_invalid"
