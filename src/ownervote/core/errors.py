"""Errors with stable codes.

A service raises one of these; the page shows ``message`` (translated, Chinese by default) and
the API returns ``{"error": {"code", "message", "details"}}`` with ``status``. Codes are part of
the API contract: tests and clients match on them, never on the text.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Codes(StrEnum):
    """The base of every app's error codes: ``<app>/errors.py`` holds ``class Code(Codes)`` with one
    member per code (``NOT_FOUND = "meeting.not_found"``). A member *is* its string, so services
    raise ``NotFound(Code.NOT_FOUND, ...)``, the API sends ``"meeting.not_found"``, and tests and
    clients import the constant instead of retyping the string."""


class Code(Codes):
    """The codes ``core`` itself raises, and those the API answers with before any app's code
    runs (``ownervote.api``: sign-in, CSRF, a request that does not parse)."""

    FILE_TOO_LARGE = "file.too_large"
    FILE_NOT_PDF = "file.not_pdf"  # starts like a PDF, is not a whole one (core.files.typed)
    FILE_ERASED = "file.erased"  # R-SEC-7: its retention period ended (files.erase)
    # a spreadsheet refused before any parser reads it (core.spreadsheets)
    XLSX_NOT_ZIP = "xlsx.not_zip"
    XLSX_ENCRYPTED = "xlsx.encrypted"
    XLSX_TOO_MANY_ENTRIES = "xlsx.too_many_entries"
    XLSX_TOO_LARGE = "xlsx.too_large"
    # a request carrying a NUL character (core.middleware.RefuseNulMiddleware)
    NUL_CHARACTER = "invalid_input.nul"
    # a retry of a background job that has not failed (core.jobs.retry)
    JOB_NOT_FAILED = "job.not_failed"
    AUTH_REQUIRED = "auth.required"
    AUTH_CSRF_FAILED = "auth.csrf_failed"
    INVALID_INPUT = "invalid_input"
    NOT_FOUND = "not_found"
    HTTP_ERROR = "http_error"
    SERVER_ERROR = "server_error"


class ServiceError(Exception):
    status = 400

    def __init__(self, code: str, message: Any, *, details: Any = None, status: int | None = None):
        super().__init__(code)
        self.code = code
        self.message = message  # a lazy translation or str
        self.details = details
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def as_dict(self) -> dict:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.details is not None:
            body["details"] = self.details
        return body


class InvalidInput(ServiceError):
    status = 422


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    """Also raised when the object exists but the actor may not see it: the two look the same."""

    status = 404


class Conflict(ServiceError):
    """The request is valid but the object's current state does not allow it."""

    status = 409


def require(condition: object, error: ServiceError) -> None:
    if not condition:
        raise error
