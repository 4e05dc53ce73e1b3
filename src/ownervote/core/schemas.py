"""API shapes every app shares: the error body every endpoint answers with (``ERRORS`` for the
OpenAPI document of each operation), and a reference to a named object."""

from __future__ import annotations

from ninja import Field, Schema


class ErrorBody(Schema):
    code: str = Field(description="Stable machine-readable code, e.g. `roster.forbidden`.")
    message: str = Field(description="For people; Simplified Chinese unless the client asks for English.")
    details: object | None = None


class ErrorOut(Schema):
    error: ErrorBody


# Every error status an endpoint may answer with, for the OpenAPI document.
ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422)}


class Ref(Schema):
    id: int
    name: str
