"""The guides per role (issue 22, item 11): the static site MkDocs builds from docs/guide/ into
``settings.OWNERVOTE_HELP_ROOT`` (``make docs``), served at /help/, and the "帮助" link in every
page's header, which leads to the guide's section for that page.

``HELP_ANCHORS`` is the one place that says which section explains which page: URL name (with its
namespace) -> "<guide page>/#<anchor>". A page it does not name gets its area's guide (the owner
guide for /m/ and /p/ pages, the guides' home page for the console). tests/core/test_help.py proves
that every anchor named here exists in the built site."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from base64 import b64encode
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils._os import safe_join
from django.views.decorators.http import require_safe

HELP_URL = "/help/"

OWNER = "owner/"
CONVENER = "convener/"
STREET = "street/"
DISTRICT = "district/"
COUNTING = "counting/"

HELP_ANCHORS: dict[str, str] = {
    # the owner's pages (phone)
    "portal:home": OWNER + "#home",
    "portal:estate": OWNER + "#home",
    "identity:login": OWNER + "#sign-in",
    "identity:wechat_link": OWNER + "#sign-in",
    "identity:settings": OWNER + "#elder-mode",
    "verification:self_service": OWNER + "#verify",
    "verification:result": OWNER + "#verify",
    "verification:notices": OWNER + "#verify",
    "bindings:search": OWNER + "#bind",
    "bindings:estate": OWNER + "#bind",
    "bindings:mine": OWNER + "#bind",
    "bindings:end": OWNER + "#bind",
    "bindinglist:owner": OWNER + "#binding-list",
    "bindinglist:objection_new": OWNER + "#binding-list",
    "meetings:notice": OWNER + "#notice",
    "meetings:notice_document": OWNER + "#notice",
    "voting:vote": OWNER + "#vote",
    "voting:ballot_form": OWNER + "#vote",
    "voting:ballot": OWNER + "#receipt",
    "voting:receipt_check": OWNER + "#receipt",
    "voting:proxies": OWNER + "#proxy",
    "voting:proxies_held": OWNER + "#proxy",
    "voting:proxy_list": OWNER + "#proxy",
    "voting:proxy": OWNER + "#proxy",
    "voting:proxy_confirm": OWNER + "#proxy",
    "voting:proxy_revoke": OWNER + "#proxy",
    "voting:representative_propose": OWNER + "#proxy",
    "voting:representative_consent": OWNER + "#proxy",
    "voting:representative_withdraw": OWNER + "#proxy",
    "results:public": OWNER + "#result",
    "objections:new": OWNER + "#result",
    "objections:mine": OWNER + "#result",
    "objections:accept": OWNER + "#result",
    "objections:dispute": OWNER + "#result",
    "complaints:mine": OWNER + "#complaint",
    "complaints:new": OWNER + "#complaint",
    "complaints:owner_detail": OWNER + "#complaint",
    "notify:inbox": OWNER + "#messages",
    "portal:anchors": OWNER + "#audit",
    "portal:anchors_global": OWNER + "#audit",
    "portal:anchors_estate": OWNER + "#audit",
    # the console: signing in, the home page, the organisation
    "console:login": "#sign-in",
    "console:2fa": "#sign-in",
    "console:register": "#sign-in",
    "console:home": "#roles",
    "console:associations": CONVENER + "#apply",
    "console:association_apply": CONVENER + "#apply",
    "console:association_decide": STREET + "#approve",
    "console:staff": CONVENER + "#staff",
    "console:tokens": CONVENER + "#staff",
    "console:accounts": DISTRICT + "#accounts",
    # the convener: roster, verification on site, binding list, meetings, progress, result
    "roster:estate_list": CONVENER + "#roster",
    "roster:estate_create": CONVENER + "#roster",
    "roster:estate_detail": CONVENER + "#roster",
    "roster:import": CONVENER + "#roster",
    "roster:import_preview": CONVENER + "#roster",
    "roster:flat_edit": CONVENER + "#roster",
    "roster:totals": CONVENER + "#roster",
    "roster:changes": CONVENER + "#roster",
    "roster:settings": CONVENER + "#roster",
    "portal:poster": CONVENER + "#poster",
    "verification:onsite": CONVENER + "#onsite",
    "verification:onsite_detail": CONVENER + "#onsite",
    "bindinglist:console": CONVENER + "#binding-list",
    "bindinglist:objections": CONVENER + "#binding-list",
    "bindinglist:objection_detail": CONVENER + "#binding-list",
    "meetings:index": CONVENER + "#meeting",
    "meetings:estate_meetings": CONVENER + "#meeting",
    "meetings:create": CONVENER + "#meeting",
    "meetings:preview": CONVENER + "#meeting",
    "meetings:detail": CONVENER + "#meeting",
    "meetings:edit": CONVENER + "#meeting",
    "meetings:change_preview": CONVENER + "#meeting",
    "meetings:compare": CONVENER + "#meeting",
    "meetings:document": CONVENER + "#meeting",
    "meetings:document_add": CONVENER + "#meeting",
    "voting:progress": CONVENER + "#progress",
    "voting:extension_request": CONVENER + "#progress",
    "voting:proxies_console": CONVENER + "#progress",
    "results:console": CONVENER + "#result",
    "results:version": CONVENER + "#result",
    "objections:console": CONVENER + "#objections",
    # counting staff
    "voting:count": COUNTING + "#session",
    "voting:count_session": COUNTING + "#entry",
    # the street office
    "meetings:to_guide": STREET + "#guidance",
    "meetings:guidance": STREET + "#guidance",
    "voting:extensions": STREET + "#extensions",
    "voting:extension_decide": STREET + "#extensions",
    "complaints:queue": STREET + "#complaints",
    "complaints:detail": STREET + "#complaints",
    "trust:list": STREET + "#signals",
    "trust:detail": STREET + "#signals",
    "bindinglist:overdue": STREET + "#overdue",
    # the district and the city
    "results:oversight": DISTRICT + "#oversight",
    "complaints:oversight": DISTRICT + "#oversight",
    "meetings:calendar": DISTRICT + "#calendar",
    "trust_thresholds:thresholds": DISTRICT + "#thresholds",
    "verification:methods": DISTRICT + "#verification-methods",
    "bindings:import": DISTRICT + "#bindings-import",
}


def help_target(view_name: str | None, path: str) -> str:
    """The guide section (relative to /help/) that explains the page ``view_name`` at ``path``."""
    if view_name and view_name in HELP_ANCHORS:
        return HELP_ANCHORS[view_name]
    if path.startswith(("/m/", "/p/")):
        return OWNER
    return ""


def help_url(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return HELP_URL + help_target(match.view_name if match else None, request.path)


def context(request: HttpRequest) -> dict[str, str]:
    """Template context processor: ``help_url``, the header's "帮助" link."""
    return {"help_url": help_url(request)}


# --- serving the built site ----------------------------------------------------------------------

_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", re.S)


@lru_cache(maxsize=64)
def _script_hashes(path: str, mtime_ns: int) -> tuple[str, ...]:
    """The CSP hashes of a built page's inline scripts (Material's few lines that restore the
    reader's palette and scroll position): allowed by their hash, not by 'unsafe-inline'."""
    body = Path(path).read_bytes()
    digests = (hashlib.sha256(script).digest() for script in _INLINE_SCRIPT.findall(body))
    return tuple(f"'sha256-{b64encode(d).decode()}'" for d in digests)


def _built_file(path: str) -> Path:
    root = Path(settings.OWNERVOTE_HELP_ROOT)
    try:
        found = Path(safe_join(root, path))  # refuses anything outside the root ("..", absolute)
    except (SuspiciousFileOperation, ValueError) as exc:  # ValueError: a NUL in the path
        raise Http404 from exc
    if found.is_dir():
        found = found / "index.html"
    if not found.is_file():
        raise Http404
    return found


@require_safe
def serve(request: HttpRequest, path: str = "") -> HttpResponse:
    """A file of the built guides: a folder's index.html for a folder. 404 when the site has not
    been built (``make docs``) or the file does not exist; nothing outside the site is reachable."""
    found = _built_file(path)
    if path and not path.endswith("/") and found.name == "index.html" and not path.endswith(".html"):
        return redirect(HELP_URL + path + "/")  # the folder's pages link relative to the folder
    content_type, encoding = mimetypes.guess_type(found.name)
    if encoding or not content_type:  # sitemap.xml.gz is downloaded as it is, never unpacked
        content_type = "application/octet-stream"
    response = FileResponse(found.open("rb"), content_type=content_type)
    response.headers["Cache-Control"] = "no-cache" if found.suffix == ".html" else "public, max-age=3600"
    if found.suffix == ".html":
        hashes = _script_hashes(str(found), found.stat().st_mtime_ns)
        response._csp_update = {"script-src": list(hashes)}  # type: ignore[attr-defined]
    return response
