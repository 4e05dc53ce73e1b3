"""The public anchor pages (R-SEC-5), no sign-in: /p/audit/ lists every estate's latest daily
anchor of its audit chain head (paginated, searchable by name) and says how to use it;
/p/audit/estates/<id>/ one estate's anchors by day; /p/audit/global/ the chain of actions outside
any estate. Each has its JSON (``…anchors.json``), which ``manage.py verify_audit --anchors``
reads; /p/audit/anchors.json lists every chain's anchor of one day (``?day=YYYY-MM-DD``, by
default the latest), for whoever archives them all."""

from __future__ import annotations

import datetime as dt

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ownervote.audit.services import GLOBAL_STREAM
from ownervote.bindings.access import access_public_estate
from ownervote.core.errors import Code, InvalidInput

from . import anchors

MAX_QUERY = 100


def _next(page, url: str, **params) -> str | None:
    if not page.has_next():
        return None
    return f"{url}?{urlencode({**params, 'page': page.next_page_number()})}"


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Cache-Control"] = "no-cache"
    response["Access-Control-Allow-Origin"] = "*"  # public data: archivers may fetch it from anywhere
    return response


@require_GET
def index(request):
    query = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY]
    return render(
        request,
        "portal/anchors.html",
        {
            "estates": anchors.estates_page(request.GET.get("page"), query),
            "q": query,
            "global_anchor": anchors.latest_global(),
            "latest_day": anchors.latest_day(),
        },
    )


def _stream_page(request, *, stream: str, estate=None):
    return render(
        request,
        "portal/anchors_stream.html",
        {
            "estate": estate,
            "stream": stream,
            "days": anchors.stream_days(stream, request.GET.get("page")),
            "json_url": (
                reverse("portal:anchors_estate_json", args=[estate.pk])
                if estate
                else reverse("portal:anchors_global_json")
            ),
        },
    )


@require_GET
def estate(request, estate_id: int):
    found = access_public_estate(estate_id)
    return _stream_page(request, stream=anchors.estate_stream(found), estate=found)


@require_GET
def global_chain(request):
    return _stream_page(request, stream=GLOBAL_STREAM)


def _stream_json(request, *, stream: str, url: str, about: dict) -> JsonResponse:
    page = anchors.stream_days(stream, request.GET.get("page"), per_page=anchors.JSON_PAGE)
    return _json(anchors.document(page, about={"stream": stream, **about}, next_url=_next(page, url)))


@require_GET
def estate_json(request, estate_id: int):
    found = access_public_estate(estate_id)
    return _stream_json(
        request,
        stream=anchors.estate_stream(found),
        url=reverse("portal:anchors_estate_json", args=[found.pk]),
        about={"estate": {"id": found.pk, "name": found.name, "street": found.street.name}},
    )


@require_GET
def global_json(request):
    return _stream_json(request, stream=GLOBAL_STREAM, url=reverse("portal:anchors_global_json"), about={})


@require_GET
def day_json(request):
    text = request.GET.get("day", "")
    try:
        day = dt.date.fromisoformat(text) if text else anchors.latest_day()
    except ValueError:
        error = InvalidInput(Code.INVALID_INPUT, _("Give the day as YYYY-MM-DD."), details={"day": "invalid"})
        return _json({"error": error.as_dict()}, status=error.status)
    page = anchors.day_page(day, request.GET.get("page"))
    url = reverse("portal:anchors_day_json")
    shown = day.isoformat() if day else None
    return _json(anchors.document(page, about={"day": shown}, next_url=_next(page, url, day=shown)))
