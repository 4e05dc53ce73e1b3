"""No request carries a NUL character (``\\x00``) into the application.

PostgreSQL refuses NUL in text (``A string literal cannot contain NUL (0x00) characters``), so a
NUL anywhere a value reaches the database was a 500 there and a stored oddity on SQLite. Django's
form ``CharField`` already refuses it (``ProhibitNullCharactersValidator``), but not the values a
view reads itself (``request.GET["q"]``), the API's schemas (pydantic's ``str`` takes it), JSON
bodies (``"\\u0000"`` decodes to NUL) or an uploaded file's name. No legitimate text holds one.

``RefuseNulMiddleware`` refuses, before any view runs, a request whose path, query string, form
fields, uploaded file names, cookies, headers or JSON body strings (keys included) hold a NUL:
400 with the page ``core/refused.html`` in the person's language, or the API's error
``{"error": {"code": "invalid_input.nul", "message", "details": {"where": ...}}}`` under /api/.
A file's *content* may hold NUL bytes (a PDF does): it is never looked at here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .errors import Code

NUL = "\x00"


def _strings(value) -> Iterator[str]:
    """Every string in a decoded JSON document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _has_nul(values: Iterable[str]) -> bool:
    return any(NUL in v for v in values if isinstance(v, str))


def _json_strings(request) -> Iterator[str]:
    if request.content_type != "application/json" or not request.body:
        return
    try:
        document = json.loads(request.body)
    except ValueError:  # not JSON: the API answers that itself (422)
        return
    yield from _strings(document)


def where_nul(request) -> str:
    """Where the request holds a NUL character ("" when nowhere)."""
    if NUL in request.path:
        return "path"
    if _has_nul(request.GET.keys()) or _has_nul(v for _k, vs in request.GET.lists() for v in vs):
        return "query"
    if _has_nul(request.COOKIES.keys()) or _has_nul(request.COOKIES.values()):
        return "cookie"
    if _has_nul(v for k, v in request.META.items() if k.startswith("HTTP_")):
        return "header"
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            fields = [k for k in request.POST] + [v for _k, vs in request.POST.lists() for v in vs]
            if _has_nul(fields):
                return "form"
            names = [k for k in request.FILES] + [f.name for _k, fs in request.FILES.lists() for f in fs]
            if _has_nul(names):
                return "file_name"
        if _has_nul(_json_strings(request)):
            return "json"
    return ""


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = where_nul(request)
        if not where:
            return self.get_response(request)
        message = _(
            "The request contains a NUL character (\\0), which no text may hold. Remove it and try again."
        )
        if request.path.startswith("/api/"):
            body = {"code": Code.NUL_CHARACTER, "message": message, "details": {"where": where}}
            return JsonResponse({"error": body}, status=400)
        # Without the request: no context processor (the user, the console frame) is needed.
        page = render_to_string("core/refused.html", {"lines": [message], "code": Code.NUL_CHARACTER})
        return HttpResponse(page, status=400)
