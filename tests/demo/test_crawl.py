"""Not one page of the seeded demo answers 500 (issue 15): every console, owner and public page
reachable from the demo's starting points is opened as each demo account (and signed out), by
following the links and htmx requests each page offers, a few of each route, and any 5xx fails
the test with the page and the account that met it.

Only GET requests are made: a crawl must not change the demo (sign-out links, language switches
and downloads of exports that are audited are GETs too, and harmless)."""

from __future__ import annotations

import re
from collections import Counter, deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from ownervote.demo import accounts as demo_accounts
from ownervote.demo import links, seed
from ownervote.identity.accounts import find_by_mobile
from ownervote.orgs.models import User
from ownervote.roster import demo

pytestmark = pytest.mark.django_db

LINK = re.compile(r"""(?:href|hx-get|action)\s*=\s*["']([^"'#]*)""", re.I)
SKIP = ("/static/", "/admin/", "/media/", "/i18n/", "/console/logout", "/m/logout")
PER_ROUTE = 3  # pages opened per URL pattern: enough to see each kind of page without every flat
MAX_PAGES = 600
# The paper ballots of every flat of the estate at once (622 A4 pages, half a minute to render):
# tests/voting/test_paper_pdf.py renders that document; the crawl opens its per-building and
# per-flat variants, which go through the same code.
HEAVY = {("voting:ballots_pdf", "")}


def _links(html: str, base: str) -> list[str]:
    out = []
    for raw in LINK.findall(html):
        url = urljoin(base, unescape(raw).strip())
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or (parts.netloc and parts.netloc != "testserver"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path and not path.startswith(SKIP):
            out.append(path)
    return out


def crawl(client: Client, start: list[str], files: set) -> tuple[list[tuple[str, int]], int]:
    """Open what ``start`` leads to; returns the pages that answered 5xx and how many were opened.
    A document (PDF, spreadsheet) is the same for everybody who may have it: ``files`` holds the
    routes already downloaded once, by any account, and they are not downloaded again."""
    queue, seen, per_route, failures, opened = deque(start), set(), Counter(), [], 0
    while queue and opened < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            continue
        route = match.route or match.view_name
        if per_route[route] >= PER_ROUTE or route in files or (match.view_name, urlsplit(url).query) in HEAVY:
            continue
        per_route[route] += 1
        response = client.get(url)
        opened += 1
        if response.status_code >= 500:
            failures.append((url, response.status_code))
            continue
        if response.status_code == 200 and "html" not in response.get("Content-Type", "html"):
            files.add(route)
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(urljoin(url, response["Location"]))
            continue
        if "html" in response.get("Content-Type", "") and not response.streaming:
            queue.extend(_links(response.content.decode(errors="replace"), url))
    return failures, opened


def test_no_demo_page_answers_500_for_any_demo_account():
    seed.seed()
    found = {x.key: x.url for x in links.demo_links()}
    assert all(found[k] for k in ("notice", "vote", "result", "meeting", "progress", "result-console"))
    start = ["/", "/demo/", "/m/", "/console/", *[u for u in found.values() if u]]
    owners = [find_by_mobile(o.person.mobile) for o in demo.demo_owners()]
    accounts = [
        None,
        *User.objects.filter(username__in=[a[0] for a in demo_accounts.ACCOUNTS]).order_by("pk"),
        *owners,
    ]
    report, files = [], set()
    for user in accounts:
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        failures, opened = crawl(client, start, files)
        who = user.username if user is not None else "anonymous"
        assert opened > 5, f"{who} opened only {opened} pages"
        report += [f"{who}: GET {url} -> {status}" for url, status in failures]
    assert not report, "\n".join(report)
