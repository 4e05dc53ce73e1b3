"""API shapes every app shares: the error body every endpoint answers with (``ERRORS`` for the
OpenAPI document of each operation), a reference to a named object, and the bounded types of what
a client sends (``Id``, ``Offset``, ``Day``, ``Moment``, ``Pages``): a value out of their range is
refused as 422 ``invalid_input`` with the field in ``details``, and the OpenAPI document says the
range, instead of reaching the database (an integer past 64 bits, an offset past SQLite's) or the
calendar arithmetic (a date in year 1 or 9999) and failing there with a 500."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator

from .params import MAX_INT as MAX_ID  # the largest id a database row can have (BigAutoField)

# Far past any page of any list; SQLite's OFFSET is a signed 64-bit integer too.
MAX_OFFSET = 10**9
# Dates and times a client sends: what the rules deal in, with room either side.
FIRST_YEAR, LAST_YEAR = 2000, 2999
_YEAR_PATTERN = r"^2[0-9]{3}-"


def _sane_year(value):
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
Day = Annotated[
    dt.date,
    AfterValidator(_sane_year),
    Field(json_schema_extra={"pattern": _YEAR_PATTERN}, description=f"A day of {FIRST_YEAR}..{LAST_YEAR}."),
]
Moment = Annotated[
    dt.datetime,
    AfterValidator(_sane_year),
    Field(json_schema_extra={"pattern": _YEAR_PATTERN}, description=f"A time in {FIRST_YEAR}..{LAST_YEAR}."),
]


NON_BLANK = r"\S"


def documented_required(*names: str):
    """``model_config = ConfigDict(json_schema_extra=documented_required("caller", ...))``: for a
    body whose service refuses these fields missing or blank with a message per field (so pydantic
    does not refuse them first), the OpenAPI document still says they are required and not blank."""

    def extra(schema: dict) -> None:
        schema["required"] = [
            *schema.get("required", []),
            *(n for n in names if n not in schema.get("required", [])),
        ]
        for name in names:
            schema["properties"][name]["pattern"] = NON_BLANK
            schema["properties"][name].pop("default", None)

    return extra


class Pages(PageNumberPagination):
    """ninja's page-number pagination with the page numbers bounded (an unbounded ``page`` became
    an OFFSET past 64 bits): ``@paginate(Pages, page_size=50)``."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_OFFSET // 1000)
        page_size: int | None = Field(None, ge=1, le=1000)


class ErrorBody(Schema):
    code: str = Field(description="Stable machine-readable code, e.g. `roster.forbidden`.")
    message: str = Field(description="For people; Simplified Chinese unless the client asks for English.")
    details: object | None = None


class ErrorOut(Schema):
    error: ErrorBody


# Every error status an endpoint may answer with, for the OpenAPI document.
ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422, 500)}


class Ref(Schema):
    id: int
    name: str


class JobOut(Schema):
    """A background job (core.jobs): poll ``status_url`` until ``status`` is ``done`` or ``failed``
    (``error`` says why, in Chinese; POST ``retry_url`` resumes it where it stopped). Each kind adds
    its outcome (``ResultJobOut.version``, ``InvitationJobOut.people``)."""

    id: int
    status: str = Field(description="queued, running, done or failed")
    done: int = Field(description="How far it got: `done` of `total` steps (the kind says what a step is).")
    total: int
    percent: int
    error: str
    retries: int = Field(description="How often a failed run was resumed.")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    status_url: str
    retry_url: str = Field(description="POST here to resume the job once it has failed.")


def job_out(job, status_url: str, **outcome) -> dict:
    """``JobOut``'s fields of ``job`` (a ``core.models.BackgroundJob``), ``retry_url`` being
    ``status_url`` + ``/retry``, with the kind's ``outcome`` fields."""
    return {
        **{f: getattr(job, f) for f in ("id", "status", "done", "total", "percent", "error", "retries")},
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "status_url": status_url,
        "retry_url": f"{status_url}/retry",
        **outcome,
    }
