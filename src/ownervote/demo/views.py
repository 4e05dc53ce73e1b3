"""``/demo/``: the demo's pages, found by what they are (``links``), with the accounts that open
them; ``/demo/<key>/`` redirects to one. Mounted only with demo settings (``OWNERVOTE_DEMO``)."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ownervote.roster import demo

from . import links
from .accounts import ACCOUNTS
from .seed import demo_estate, owner_rows


@require_GET
def index(request):
    estate = demo_estate()
    return render(
        request,
        "demo/index.html",
        {
            "estate": estate,
            "links": links.demo_links(),
            "accounts": [(a[0], a[3]) for a in ACCOUNTS],
            "owners": [(mobile, who) for mobile, who, _ in owner_rows()],
            "password": demo.DEMO_PASSWORD,
        },
    )


@require_GET
def go(request, key: str):
    found = links.link(key)
    if found is not None and found.url:
        return HttpResponseRedirect(found.url)
    return render(request, "demo/gone.html", {"key": key, "known": found is not None}, status=404)
