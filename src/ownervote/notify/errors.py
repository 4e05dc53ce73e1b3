"""The error codes ``notify`` raises (part of the API contract: ``core.errors``)."""

from __future__ import annotations

from ownervote.core.errors import Codes


class Code(Codes):
    NOTIFICATION_NOT_FOUND = "notification.not_found"
    TOO_MANY = "notification.too_many"
    BAD_SIGNATURE = "notification.bad_signature"
    EVENTS_OFF = "notification.events_off"
