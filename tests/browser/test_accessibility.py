"""R-SEC-8: WCAG 2.2 AA on the owner and public pages, checked in the browser with axe-core.

The pages are the demo's (tests/democrawl.py, as tests/browser/test_phone_overflow.py walks them):
signed out, every public page the crawl reaches (the estate's page, the public meeting and result
pages, the verification notices, the sign-in page, the audit log digests); and as each demo owner
with an account, every owner page (/m/...) and public page as they see it, a few of each route over
the owners. Each is opened on a 390x844 phone, axe-core (the npm
package pinned in package-lock.json, installed by ``make install``) is injected into it, and the
WCAG 2.0/2.1/2.2 A and AA rules are run: no violation of impact "serious" or "critical" may remain.
A failure names the account, the page, the rule and the elements.

The check runs once per display mode (MODES): each account's mode is set before its pages are
opened. Without npm (node_modules/axe-core missing) the test is skipped on a laptop and fails when
CI is set, as the browser tests do without Chromium."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.test import Client
from playwright.sync_api import expect

from ownervote.demo import seed
from tests.browser.conftest import REPO_DIR, _unavailable, new_phone_page
from tests.browser.eldermode import enable_elder_mode
from tests.browser.test_owner_journeys import owner_sign_in
from tests.democrawl import crawl, demo_owner_users, demo_start
from tests.owners import import_roster, verified_person
from tests.rosterfiles import mobile, person_id

AXE = REPO_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = ("serious", "critical")
# Signed out, the pages not checked: the staff's (their sign-in and registration, /console/, dense
# desk pages), Swagger UI (/api/, a developer's tool) and the guides (/help/, as mkdocs builds them
# from docs/guide/, not OwnerVote's templates).
NOT_PUBLIC = ("/console/", "/api/", "/help/")
# As an owner: the owner pages, and the public ones as an owner sees them (an objection's link).
OWNER_PAGES = ("/m/", "/p/")
# The same page (route) for other flats, meetings or owners: a few of each over the owners are
# enough (they share the owner pages' one template and style sheet).
PER_ROUTE = 2
# Pages the demo's links do not lead to (its owners are verified already): the crawl starts there too.
MORE_START = ["/m/notices/", "/m/verify/"]
# The error pages (404.html): the crawl keeps only pages that answer 200, so these are added by hand:
# a missing owner page, and (as an owner) a vote link that does not open, which is the owner's 404
# with the advice to bind a flat; signed out, also the plain 404 of the public pages. The 500 page is
# checked in tests/browser/test_owner_not_found.py (it needs a view that fails).
ERROR_PAGES = ["/m/no-such-page/", "/m/meetings/999999999/vote/"]
ERROR_PAGES_SIGNED_OUT = ["/m/no-such-page/", "/p/no-such-page/"]


def _normal(user, page) -> None:
    """The ordinary display: nothing to change."""


def _elder(user, page) -> None:
    """Elder mode (长辈版): the account's stored switch; signed out, the switch on the settings page,
    kept in the session (tests/browser/eldermode.py)."""
    if user is not None:
        enable_elder_mode(user)
        return
    page.goto("/m/settings/")
    page.locator("#elder-on").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bov-elder\b"))


# The display modes the pages are checked in, each with what sets it for an account (its user, None
# signed out; its phone page) before its pages are opened.
MODES: dict[str, Callable[..., None]] = {"normal": _normal, "elder": _elder}

RUN_AXE = """async ([tags, impacts]) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.filter((v) => impacts.includes(v.impact)).map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 4).map((n) => n.target.join(" ")), count: v.nodes.length,
  }));
}"""


# Focus order follows the page's order (WCAG 2.4.3): no element is moved ahead by a positive tabindex
# (axe-core counts that a best practice only).
FOCUS_JUMPS = """() => [...document.querySelectorAll("[tabindex]")].filter((el) => el.tabIndex > 0)
  .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + `[tabindex=${el.tabIndex}]`)"""


def axe_violations(page) -> list[dict]:
    """The serious and critical WCAG A/AA violations axe-core finds on the page as it is now, and
    any focus taken out of the page's order."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE, [WCAG_TAGS, list(FAILING_IMPACTS)])
    if jumps := page.evaluate(FOCUS_JUMPS):
        found.append(
            {
                "id": "focus-order",
                "impact": "serious",
                "help": "positive tabindex",
                "targets": jumps[:4],
                "count": len(jumps),
            }
        )
    return found


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
    """Signed out: the public pages the crawl reaches; as an owner, the owner pages (OWNER_PAGES).
    Those of a route met PER_ROUTE times already (``per_route``, over the owners) are left out."""
    client = Client(raise_request_exception=False)
    if user is None:
        documents = [url for url in crawl(client, start, files).documents if not url.startswith(NOT_PUBLIC)]
    else:
        client.force_login(user)
        documents = crawl(client, start, files, within=OWNER_PAGES).documents
    chosen = []
    for url in dict.fromkeys(documents):
        route = _route(url)
        if per_route[route] < PER_ROUTE:
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
    start = [*demo_start(), *MORE_START]
    owners = [(f"owner {number}", user, number) for number, user in demo_owner_users()]
    accounts = [("anonymous", None, None), *owners]
    assert len(accounts) > 2, "the demo's owners have no account"
    files: set = set()
    per_route: Counter = Counter()  # the owners' pages by route (signed out, a counter of its own)
    report, checked = [], 0
    for who, user, number in accounts:
        urls = _pages(user, start, files, per_route if user is not None else Counter())
        assert urls or user is not None, "signed out, the crawl reached no public page"
        urls += ERROR_PAGES if user is not None else ERROR_PAGES_SIGNED_OUT
        if not urls:
            continue
        # The app's Content-Security-Policy stays as it is; only this context lets the test inject
        # axe-core's script (tests/browser/test_content_security_policy.py checks the policy).
        context, page = new_phone_page(browser, live_server, bypass_csp=True)
        try:
            MODES[mode](user, page)
            if number is not None:
                owner_sign_in(page, number)
            for url in urls:
                page.goto(url, wait_until="load")
                report += describe(who, url, axe_violations(page))
        finally:
            context.close()
        checked += len(urls)
    print(f"{checked} pages checked with axe-core as {len(accounts)} accounts in {mode} mode")
    assert not report, f"{len(report)} serious or critical WCAG violations:\n" + "\n".join(report)


# --- Errors tied to their fields, and nothing asked twice ----------------------------------------

# Every control marked invalid names, in its aria-describedby, an element that says what is wrong;
# every field's error message on the page is named so by a control or its group (WCAG 1.3.1, 3.3.1).
ERRORS_TIED = """() => {
  const problems = [];
  const described = new Set();
  for (const el of document.querySelectorAll("[aria-describedby]")) {
    for (const id of el.getAttribute("aria-describedby").split(/\\s+/).filter(Boolean)) described.add(id);
  }
  for (const el of document.querySelectorAll('[aria-invalid="true"]')) {
    const ids = (el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
    const said = ids.map((id) => document.getElementById(id)).filter((e) => e && e.textContent.trim());
    if (!said.length) problems.push(`${el.name || el.id}: invalid, but no message is tied to it`);
  }
  for (const message of document.querySelectorAll("form .ov-error, .weui-cells__tips.ov-error")) {
    if (!message.id || !described.has(message.id)) {
      problems.push(`"${message.textContent.trim().slice(0, 40)}" is tied to no field`);
    }
  }
  return problems;
}"""


def assert_accessible_errors(page, where: str) -> None:
    expect(page.locator('[aria-invalid="true"]').first).to_be_attached()
    problems = page.evaluate(ERRORS_TIED) + describe("owner", where, axe_violations(page))
    assert not problems, f"{where}:\n" + "\n".join(problems)


def test_owner_form_errors_are_tied_to_their_fields_and_nothing_is_asked_twice_r_sec_8(
    axe_available, staff, estates, browser, live_server
):
    """R-SEC-8: the owner's forms shown with errors (sign-in, identity verification, a complaint)
    tie each message to its field and pass axe-core; what the owner already gave (the mobile
    number signed in with, the name typed before an error, the flat bound) is not asked again
    (WCAG 3.3.7)."""
    estate = estates["a"]
    import_roster(estate, staff["convener"])
    number = mobile(1)  # 张三, person_id(1): 1栋-101
    context, page = new_phone_page(browser, live_server, bypass_csp=True)
    try:
        page.goto("/m/login/")
        page.get_by_label("手机号").fill("123")
        page.get_by_role("button", name="获取验证码").click()
        assert_accessible_errors(page, "/m/login/ (a mobile number too short)")

        owner_sign_in(page, number)
        page.goto("/m/verify/")
        agree = page.get_by_role("button", name="同意并继续")
        if agree.count():
            agree.click()
        # The mobile number the owner signed in with is there already.
        expect(page.get_by_label("手机号")).to_have_value(number)
        page.get_by_label("姓名").fill("张三")
        page.get_by_label("身份证号码").fill("123")
        page.get_by_role("button", name="下一步：人脸识别").click()
        assert_accessible_errors(page, "/m/verify/ (a wrong ID number, no code)")
        # After the error, what was typed is still there: only the wrong field is typed again.
        expect(page.get_by_label("姓名")).to_have_value("张三")
        expect(page.get_by_label("手机号")).to_have_value(number)

        verified_person(number, "张三", person_id(1))
        page.goto(f"/m/estates/{estate.pk}/")
        page.locator("#suggestions").get_by_role("link", name="绑定").first.click()
        page.get_by_role("button", name="确认绑定").click()
        expect(page).to_have_url(re.compile(r"/m/flats/$"))

        page.goto("/m/complaints/new/")
        # The owner's estate is chosen already: the flat bound says which.
        expect(page.get_by_label("小区")).to_have_value(str(estate.pk))
        page.locator('input[name="subject"]').first.check()
        page.get_by_label("投诉内容").fill(" ")  # past the browser's own check, not the server's
        page.locator("#submit-complaint").click()
        assert_accessible_errors(page, "/m/complaints/new/ (no text)")
    finally:
        context.close()
