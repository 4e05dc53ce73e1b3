"""R-SEC-8: WCAG 2.2 AA on the owner and public pages, checked in the browser with axe-core.

The pages are the demo's (tests/democrawl.py, as tests/browser/test_phone_overflow.py walks them):
signed out, every public page the crawl reaches (the public results, the estate, notice and poster
pages, the sign-in pages, the audit log digests); and as each demo owner with an account, every
owner page (/m/...), a few of each route. Each is opened on a 390x844 phone, axe-core (the npm
package pinned in package-lock.json, installed by ``make install``) is injected into it, and the
WCAG 2.0/2.1/2.2 A and AA rules are run: no violation of impact "serious" or "critical" may remain.
A failure names the account, the page, the rule and the elements.

The check runs once per display mode (MODES): each account's mode is set before its pages are
opened. Without npm (node_modules/axe-core missing) the test is skipped on a laptop and fails when
CI is set, as the browser tests do without Chromium."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.test import Client

from ownervote.demo import seed
from tests.browser.conftest import REPO_DIR, _unavailable, new_phone_page
from tests.browser.test_owner_journeys import owner_sign_in
from tests.democrawl import crawl, demo_owner_users, demo_start

AXE = REPO_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = ("serious", "critical")
# Swagger UI (/api/) is a developer's tool, not a page of the product; /help/ is the guides as
# mkdocs builds them (docs/guide/), not OwnerVote's templates.
NOT_CHECKED = ("/api/", "/help/")
# The same owner page (route) for other flats, meetings or owners: a few of each, over all the
# owners, are enough (they share the owner pages' one template and style sheet).
PER_ROUTE = 2


def _normal(user) -> None:
    """The ordinary display: nothing to change."""


# The display modes the pages are checked in, each with what sets it for an account (its user, None
# signed out) before its pages are opened.
MODES: dict[str, Callable[..., None]] = {"normal": _normal}

RUN_AXE = """async ([tags, impacts]) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.filter((v) => impacts.includes(v.impact)).map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 4).map((n) => n.target.join(" ")), count: v.nodes.length,
  }));
}"""


def axe_violations(page) -> list[dict]:
    """The serious and critical WCAG A/AA violations axe-core finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, [WCAG_TAGS, list(FAILING_IMPACTS)])


def describe(who: str, url: str, violations: list[dict]) -> list[str]:
    return [
        f"{who}: {url}: {v['id']} ({v['impact']}, {v['count']}x) {v['help']}: {'; '.join(v['targets'])}"
        for v in violations
    ]


def _route(url: str) -> str:
    """The page's route: the path with its ids (numbers, tokens) blanked."""
    parts = urlsplit(url).path.split("/")
    return "/".join("#" if part.isdigit() or len(part) > 20 else part for part in parts)


def _pages(user, start: list[str], files: set, per_route: Counter) -> list[str]:
    """Signed out: every public page the crawl reaches. As an owner: the owner pages (/m/), those
    of a route met PER_ROUTE times already (``per_route``, over the accounts) left out."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    documents = dict.fromkeys(crawl(client, start, files).documents)
    if user is None:
        return [url for url in documents if not url.startswith(NOT_CHECKED)]
    chosen = []
    for url in documents:
        route = _route(url)
        if url.startswith("/m/") and per_route[route] < PER_ROUTE:
            per_route[route] += 1
            chosen.append(url)
    return chosen


@pytest.fixture
def axe_available() -> None:
    if not AXE.is_file():
        _unavailable(f"axe-core is not installed ({AXE} missing): run `make install` with npm present")


@pytest.mark.parametrize("mode", list(MODES))
def test_owner_and_public_pages_have_no_serious_wcag_violations_r_sec_8(
    mode, axe_available, browser, live_server
):
    """R-SEC-8: 0 serious or critical axe-core violations (WCAG 2.2 A/AA) on every owner and public
    page of the demo, signed out and as every demo owner, in each display mode."""
    seed.seed()
    start = demo_start()
    owners = [(f"owner {mobile}", user, mobile) for mobile, user in demo_owner_users()]
    accounts = [("anonymous", None, None), *owners]
    assert len(accounts) > 2, "the demo's owners have no account"
    files: set = set()
    per_route: Counter = Counter()
    report, checked = [], 0
    for who, user, mobile in accounts:
        urls = _pages(user, start, files, per_route)
        assert urls or user is not None, "signed out, the crawl reached no public page"
        if not urls:
            continue
        MODES[mode](user)
        # The app's Content-Security-Policy stays as it is; only this context lets the test inject
        # axe-core's script (tests/browser/test_content_security_policy.py checks the policy).
        context, page = new_phone_page(browser, live_server, bypass_csp=True)
        try:
            if mobile is not None:
                owner_sign_in(page, mobile)
            for url in urls:
                page.goto(url, wait_until="load")
                report += describe(who, url, axe_violations(page))
        finally:
            context.close()
        checked += len(urls)
    print(f"{checked} pages checked with axe-core as {len(accounts)} accounts in {mode} mode")
    assert not report, f"{len(report)} serious or critical WCAG violations:\n" + "\n".join(report)
