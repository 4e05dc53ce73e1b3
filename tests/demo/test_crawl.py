"""Not one page of the seeded demo answers 500 (issue 15): every console, owner and public page
reachable from the demo's starting points is opened as each demo account (and signed out), by
following the links and htmx requests each page offers, a few of each route, and any 5xx fails
the test with the page and the account that met it. Nor does any page show people an internal rule
ID ("R-MTG-1") where they expect the article of the voting rules (issue 22 item 10).

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
RULE_ID = re.compile(r"R-[A-Z]+-\d")
# What people do not read: scripts, styles and data-* attributes (tests and scripts find rows by them).
UNSEEN = re.compile(
    r"<script\b.*?</script>|<style\b.*?</style>|\sdata-[\w-]+=(\"[^\"]*\"|'[^']*')", re.S | re.I
)


def rule_ids_shown(html: str) -> list[str]:
    """The rule IDs a page shows people (text, titles, labels), each with a little context."""
    visible = UNSEEN.sub(" ", html)
    return [visible[max(0, m.start() - 40) : m.end() + 20] for m in RULE_ID.finditer(visible)]


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


def crawl(
    client: Client, start: list[str], files: set, rule_ids: list | None = None
) -> tuple[list[tuple[str, int]], int]:
    """Open what ``start`` leads to; returns the pages that answered 5xx and how many were opened.
    A document (PDF, spreadsheet) is the same for everybody who may have it: ``files`` holds the
    routes already downloaded once, by any account, and they are not downloaded again. A page that
    shows a rule ID is added to ``rule_ids`` (url, the IDs in context)."""
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
            html = response.content.decode(errors="replace")
            queue.extend(_links(html, url))
            if rule_ids is not None and (shown := rule_ids_shown(html)):
                rule_ids.append((url, shown))
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
    report, files, shown = [], set(), []
    for user in accounts:
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        rule_ids: list = []
        failures, opened = crawl(client, start, files, rule_ids)
        who = user.username if user is not None else "anonymous"
        assert opened > 5, f"{who} opened only {opened} pages"
        report += [f"{who}: GET {url} -> {status}" for url, status in failures]
        shown += [f"{who}: {url}: {ids}" for url, ids in rule_ids]
    assert not report, "\n".join(report)
    # Issue 22 item 10: people read the article (《深圳市物业管理电子投票规则》第十二条), not "R-MTG-1".
    assert not shown, "\n".join(shown)


def test_the_rule_id_check_sees_text_and_titles_not_data_attributes():
    assert rule_ids_shown('<td title="R-MTG-1">x</td>') and rule_ids_shown("<p>R-ROSTER-1，第七条</p>")
    hidden = '<tr data-rule="R-MTG-1"><script>var r = "R-MTG-2";</script>《规则》第十二条</tr>'
    assert not rule_ids_shown(hidden)
