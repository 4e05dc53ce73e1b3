"""View plumbing shared by every app's pages: the staff sign-in, ``attempt`` (a service call whose
refusal the view shows in place, next to the fields), file downloads. A service error a view does
not place itself is turned into a page by ``core.middleware.ServiceErrorMiddleware``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from .errors import Forbidden, NotFound, ServiceError


@dataclass(frozen=True)
class Outcome:
    """What a service call gave: its ``value``, or the ``error`` it refused with."""

    value: Any = None
    error: ServiceError | None = None

    @property
    def refused(self) -> bool:
        return self.error is not None

    @property
    def message(self) -> str:
        return str(self.error.message) if self.error is not None else ""

    @property
    def details(self) -> dict:
        return self.error.details if self.error is not None and isinstance(self.error.details, dict) else {}


def attempt(service: Callable[..., Any], /, **kwargs) -> Outcome:
    """Call ``service(**kwargs)``; a refusal the page shows in place comes back as the outcome's
    ``error``. ``NotFound`` and ``Forbidden`` are never caught: they are the 404 and 403 pages."""
    try:
        return Outcome(value=service(**kwargs))
    except (NotFound, Forbidden):
        raise
    except ServiceError as exc:
        return Outcome(error=exc)


def refusals_shown_on(template: str, **context):
    """Mark a page whose every refusal, ``NotFound`` and ``Forbidden`` included, is shown on
    ``template`` (with ``message``, ``code`` and ``context``) and the error's status, by
    ``ServiceErrorMiddleware``: for a page that is the landing point of an outside redirect (a
    provider's callback), where a bare 404 or 403 page would tell the person nothing."""

    def mark(view):
        view.refusal_page = (template, context)
        return view

    return mark


def console_view(view):
    """A staff page: the console sign-in first (its refusals become pages in
    ``core.middleware.ServiceErrorMiddleware``)."""
    return login_required(view)


def download(content: bytes, filename: str, content_type: str, *, private: bool = True) -> HttpResponse:
    """A file as an attachment. Private files (personal data, logged downloads) are never
    cached; a public one (a meeting's notice) may be cached for five minutes."""
    response = HttpResponse(content, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store, private" if private else "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
