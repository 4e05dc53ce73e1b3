"""Every page of the seeded demo, as each demo account: the pages reachable from the demo's starting
points by following the links and htmx requests each page offers, a few of each route.

tests/demo/test_crawl.py opens them all looking for a 5xx (issue 15); tests/browser/
test_phone_overflow.py opens the HTML pages among them in a phone's browser (issue 22). Only GET
requests are made: a crawl must not change the demo (sign-out links, language switches and
downloads of exports that are audited are GETs too, and harmless)."""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

from ownervote.demo import accounts as demo_accounts
from ownervote.demo import links
from ownervote.identity.accounts import find_by_mobile
from ownervote.orgs.models import User
from ownervote.roster import demo

LINK = re.compile(r"""(?:href|hx-get|action)\s*=\s*["']([^"'#]*)""", re.I)
SKIP = ("/static/", "/admin/", "/media/", "/i18n/", "/console/logout", "/m/logout")
PER_ROUTE = 3  # pages opened per URL pattern: enough to see each kind of page without every flat
MAX_PAGES = 600
# The paper ballots of every flat of the estate at once (622 A4 pages, half a minute to render):
# tests/voting/test_paper_pdf.py renders that document; the crawl opens its per-building and
# per-flat variants, which go through the same code.
HEAVY = {("voting:ballots_pdf", "")}
DEMO_LINKS = ("notice", "vote", "result", "meeting", "progress", "result-console")


@dataclass
class Crawl:
    """What one account's crawl met: the pages that answered 5xx, how many requests it made, and
    the whole HTML documents that answered 200 (not htmx fragments, not downloads), in the order
    they were opened."""

    failures: list[tuple[str, int]] = field(default_factory=list)
    opened: int = 0
    documents: list[str] = field(default_factory=list)
    rule_ids: list[tuple[str, list[str]]] = field(default_factory=list)  # (url, IDs in context)
    # The first address of each URL pattern that answered 200, and whether it is a download (a
    # document) rather than a page: tests/demo/test_hostile_queries.py probes each pattern from it.
    routes: dict[str, tuple[str, bool]] = field(default_factory=dict)


# A whole word: a receipt code such as "D4BR-HVAC-363F" holds "R-HVAC-3" but names no rule.
RULE_ID = re.compile(r"(?<![\w-])R-[A-Z]+-\d+(?![\w-])")
# What people do not read: scripts, styles and data-* attributes (tests and scripts find rows by them).
UNSEEN = re.compile(
    r"<script\b.*?</script>|<style\b.*?</style>|\sdata-[\w-]+=(\"[^\"]*\"|'[^']*')", re.S | re.I
)


def rule_ids_shown(html: str) -> list[str]:
    """The internal rule IDs a page shows people (text, titles, labels), each with a little context."""
    visible = UNSEEN.sub(" ", html)
    return [visible[max(0, m.start() - 40) : m.end() + 20] for m in RULE_ID.finditer(visible)]


def page_links(html: str, base: str) -> list[str]:
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


def crawl(client: Client, start: list[str], files: set, *, within: tuple[str, ...] = ("/",)) -> Crawl:
    """Open what ``start`` leads to. A document (PDF, spreadsheet) is the same for everybody who may
    have it: ``files`` holds the routes already downloaded once, by any account, and they are not
    downloaded again. ``within``: the paths to open (all by default; ("/m/",) the owner pages)."""
    queue, seen, per_route, found = deque(u for u in start if u.startswith(within)), set(), Counter(), Crawl()
    while queue and found.opened < MAX_PAGES:
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
        found.opened += 1
        if response.status_code >= 500:
            found.failures.append((url, response.status_code))
            continue
        html = "html" in response.get("Content-Type", "html")
        if response.status_code == 200:
            found.routes.setdefault(route, (url, not html))
            if not html:
                files.add(route)
        if response.status_code in (301, 302, 303, 307, 308):
            if (location := urljoin(url, response["Location"])).startswith(within):
                queue.append(location)
            continue
        if "html" in response.get("Content-Type", "") and not response.streaming:
            html = response.content.decode(errors="replace")
            if response.status_code == 200 and "<html" in html[:500].lower():
                found.documents.append(url)
            if shown := rule_ids_shown(html):
                found.rule_ids.append((url, shown))
            queue.extend(link for link in page_links(html, url) if link.startswith(within))
    return found


def demo_start() -> list[str]:
    """Where each crawl starts, once the demo is seeded: the home pages and the /demo/ links."""
    found = {x.key: x.url for x in links.demo_links()}
    missing = [key for key in DEMO_LINKS if not found.get(key)]
    assert not missing, f"the seeded demo lacks the meetings of the links {missing}"
    return ["/", "/demo/", "/m/", "/console/", *[u for u in found.values() if u]]


def demo_staff() -> list[User]:
    """Every staff account of the demo (city, futian, shatou, community, convener, ...)."""
    return list(User.objects.filter(username__in=[a[0] for a in demo_accounts.ACCOUNTS]).order_by("pk"))


def demo_owner_users() -> list[tuple[str, User]]:
    """The demo's owners who have an account (they verified and bound their flats), each with the
    mobile number they sign in with."""
    found = [(o.person.mobile, find_by_mobile(o.person.mobile)) for o in demo.demo_owners()]
    return [(mobile, user) for mobile, user in found if user is not None]
