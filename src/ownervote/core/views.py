"""View plumbing shared by every app's pages: a service's NotFound is a 404 page and its
Forbidden a 403 page, wherever in the view they are raised; file downloads."""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from .errors import Forbidden, NotFound


def errors_as_http(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from exc

    return wrapper


def console_view(view):
    """A staff page: the console sign-in first."""
    return login_required(errors_as_http(view))


def download(content: bytes, filename: str, content_type: str, *, private: bool = True) -> HttpResponse:
    """A file as an attachment. Private files (personal data, logged downloads) are never
    cached; a public one (a meeting's notice) may be cached for five minutes."""
    response = HttpResponse(content, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store, private" if private else "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
