"""The Content-Security-Policy in a real Chromium: the pages that carry inline styles and scripts (the
owner pages' nonce'd style block, the ballot form's counter script, the ballot's progress bars) and
a console page that htmx updates by itself (the voting progress) load without one violation
reported, under a policy that allows no inline script or style without the nonce."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_owner_journeys import PASSWORD, named_convener, owner_sign_in
from tests.rosterfiles import mobile
from tests.voting.conftest import cast_world, make_voting_meeting  # noqa: F401 - fixtures

# Every violation the page sees, kept where the test can read it. An init script runs before the
# page's own scripts and is not subject to its policy.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || ""));
});
"""


def watched(page) -> list[str]:
    """Violations reported to the console (Chromium logs each one) as the page is used."""
    seen: list[str] = []
    page.add_init_script(WATCH)
    page.on(
        "console",
        lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return seen


def open_and_check(page, url: str, seen: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, (url, response and response.status)
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy and "'unsafe-inline'" not in policy, (url, policy)
    check(page, url, seen)


def check(page, where: str, seen: list[str]) -> None:
    violations = page.evaluate("window.__csp || []") + seen
    assert not violations, (where, violations)


def test_owner_and_console_pages_load_without_a_violation(  # R-SEC-1 R-VOTE-1 R-VOTE-2
    cast_world,  # noqa: F811 - the fixture imported above
    staff,
    phone_page,
    page,
    login,
):
    meeting = cast_world["meeting"]

    seen = watched(phone_page)
    owner_sign_in(phone_page, mobile(1))  # 张三: 1栋-101
    check(phone_page, "/m/login/", seen)
    open_and_check(phone_page, "/m/", seen)
    open_and_check(phone_page, f"/m/meetings/{meeting.pk}/vote/", seen)
    phone_page.locator("#submission-1 a.weui-btn").click()
    question, election = cast_world["question"], cast_world["election"]
    phone_page.locator(f'#item-{question.pk} input[value="yes"]').check()
    boxes = phone_page.locator(f"#item-{election.pk} input.ov-candidate")
    for i in range(election.max_choices):
        boxes.nth(i).check()  # the counter script (nonce'd) runs
    expect(boxes.nth(election.max_choices)).to_be_disabled()
    check(phone_page, "the ballot form", seen)
    phone_page.locator("#review").click()
    phone_page.locator("#submit").click()
    expect(phone_page.locator("#progress svg.ov-bar").first).to_be_visible()  # the bars, no style attribute
    check(phone_page, "the receipt with the progress bars", seen)

    console_seen = watched(page)
    convener = named_convener(staff)
    login(page, convener.username, PASSWORD)
    open_and_check(page, f"/console/meetings/{meeting.pk}/progress/", console_seen)
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("htmx.trigger(document.body, 'htmx:load')")
    page.wait_for_timeout(500)
    check(page, "the console after htmx loaded", console_seen)
