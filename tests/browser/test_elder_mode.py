"""Elder mode (长辈版) of the owner pages, measured in Chromium on a 390x844 phone (R-SEC-8, issue 23
item 1): on every owner page of the seeded demo, as each demo owner and signed out, with elder mode
on, the figures of the MIIT 适老化 specifications are measured from computed styles and element
boxes (tests/browser/eldermode.py MEASURE): body text at least 18 pt (24 CSS px), line spacing at
least 1.3, contrast at least 4.5:1, touch targets at least 60x60 (1 dp = 1 CSS px), no pop-ups and
no timers. Also: the switch is the person's own, remembered with the account; and the ballot in
elder mode is one item per screen with the choices read back before the one submit."""

from __future__ import annotations

import re

from django.test import Client
from playwright.sync_api import expect

from ownervote.demo import seed
from ownervote.voting.models import Submission
from tests.browser.conftest import new_phone_page
from tests.browser.eldermode import MEASURE, enable_elder_mode, offences
from tests.browser.test_owner_journeys import owner_sign_in
from tests.democrawl import crawl, demo_owner_users, demo_start
from tests.rosterfiles import mobile
from tests.voting.conftest import cast_world, make_voting_meeting  # noqa: F401 - fixtures

NOT_OWNER_PAGES = ("/api/", "/console/", "/admin/", "/help/")
# The owner's 404 pages (404.html), which the crawl does not keep (it keeps pages that answer 200):
# a missing owner page, and a vote link that does not open (the advice to bind a flat). The plain
# error pages are measured in tests/browser/test_owner_not_found.py.
ERROR_PAGES = ["/m/no-such-page/", "/m/meetings/999999999/vote/"]


def _pages(user, start: list[str], files: set) -> list[str]:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    documents = crawl(client, start, files).documents
    return [url for url in dict.fromkeys(documents) if not url.startswith(NOT_OWNER_PAGES)]


def _measure_all(page, who: str, urls: list[str]) -> tuple[list[str], int]:
    report, measured = [], 0
    for url in urls:
        page.goto(url, wait_until="load")
        found = page.evaluate(MEASURE)
        if not found["owner"]:  # a console or staff page an owner was sent to: not an owner page
            continue
        measured += 1
        report += [f"{who}: {line}" for line in offences(found, url)]
    return report, measured


def _switch_on_signed_out(page) -> None:
    page.goto("/m/")
    page.locator("#elder-on").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bov-elder\b"))


def test_every_owner_page_meets_the_elder_mode_figures_R_SEC_8(browser, live_server):
    """R-SEC-8: every owner page in elder mode, as every demo owner and signed out."""
    seed.seed()
    start = [url for url in demo_start() if not url.startswith("/console/")]
    owners = demo_owner_users()
    assert owners, "the demo's owners have no account"
    files: set = set()
    report, measured = [], 0
    for who, user, number in [("anonymous", None, None), *[(f"owner {n}", u, n) for n, u in owners]]:
        urls = _pages(user, start, files)
        assert len(urls) > 3, f"{who} reached only {urls}"
        urls += ERROR_PAGES
        context, page = new_phone_page(browser, live_server)
        try:
            if user is None:
                _switch_on_signed_out(page)
            else:
                enable_elder_mode(user)
                owner_sign_in(page, number)
            found, count = _measure_all(page, who, urls)
            report += found
            measured += count
        finally:
            context.close()
    print(f"{measured} owner pages measured in elder mode")
    assert measured > 20, f"only {measured} owner pages were measured"
    assert not report, f"{len(report)} breaches of the elder-mode figures:\n" + "\n".join(report)


def test_the_switch_is_remembered_per_person_R_SEC_8(cast_world, browser, live_server, settings):  # noqa: F811
    """R-SEC-8: the switch on the owner home is kept with the account: after signing out and in
    again it is still on; another owner's pages stay as they were."""
    settings.OWNERVOTE_SMS_RESEND_SECONDS = 0  # signing in again at once asks for another code
    zhang, li = cast_world["zhang"], cast_world["li"]
    context, page = new_phone_page(browser, live_server)
    try:
        owner_sign_in(page, mobile(1))
        page.goto("/m/")
        expect(page.locator("html")).not_to_have_class(re.compile(r"ov-elder"))
        page.locator("#elder-on").click()
        expect(page.locator("html")).to_have_class(re.compile(r"\bov-elder\b"))
        expect(page.locator("#elder-off")).to_be_visible()
        zhang.refresh_from_db()
        assert zhang.elder_mode is True
        page.goto("/m/settings/")
        page.locator("#sign-out").click()
        expect(page).to_have_url(re.compile(r"/m/login/"))
        expect(page.locator("html")).not_to_have_class(re.compile(r"ov-elder"))  # signed out: not his
        owner_sign_in(page, mobile(1))
        page.goto("/m/")
        expect(page.locator("html")).to_have_class(re.compile(r"\bov-elder\b"))
    finally:
        context.close()
    context, page = new_phone_page(browser, live_server)
    try:
        owner_sign_in(page, mobile(2))
        page.goto("/m/")
        expect(page.locator("html")).not_to_have_class(re.compile(r"ov-elder"))
        li.refresh_from_db()
        assert li.elder_mode is False
        # Switched on before signing in (settings page, signed out), it is carried to the account.
        page.goto("/m/settings/")
        page.locator("#sign-out").click()
        page.goto("/m/settings/")
        page.locator("#elder-on").click()
        expect(page.locator("html")).to_have_class(re.compile(r"\bov-elder\b"))
        owner_sign_in(page, mobile(2))
        li.refresh_from_db()
        assert li.elder_mode is True
        # and turned off again in the settings
        page.goto("/m/settings/")
        page.locator("#elder-off").click()
        expect(page.locator("html")).not_to_have_class(re.compile(r"ov-elder"))
        li.refresh_from_db()
        assert li.elder_mode is False
    finally:
        context.close()


def test_elder_ballot_is_one_item_per_screen_and_read_back_R_SEC_8(cast_world, phone_page):  # noqa: F811
    """R-SEC-8 (with R-VOTE-1, R-VOTE-3): in elder mode the ballot shows one item per screen, goes
    back and forth keeping the answers, reads every choice back, and the one submit gives the
    receipt; every screen meets the elder-mode figures."""
    w, page = cast_world, phone_page
    meeting, items = w["meeting"], w["items"]
    enable_elder_mode(w["zhang"])
    owner_sign_in(page, mobile(1))  # 张三: 1栋-101
    page.goto(f"/m/meetings/{meeting.pk}/vote/")
    page.locator("#submission-1 a.weui-btn").click()
    chosen = {}
    for n, item in enumerate(items):
        expect(page.locator("#ballot-step")).to_contain_text(f"第 {n + 1} 项，共 {len(items)} 项")
        expect(page.locator(".ov-vote-item")).to_have_count(1)  # one item on the screen
        expect(page.locator(f"#item-{item.pk}")).to_be_visible()
        assert not offences(page.evaluate(MEASURE), page.url)
        if item.kind == item.Kind.QUESTION:
            page.locator(f'#item-{item.pk} input[value="no"]').check()
            chosen[item.pk] = "反对"
        else:
            first = item.candidates.order_by("position").first()
            page.locator(f'#item-{item.pk} input[value="{first.pk}"]').check()
            chosen[item.pk] = first.name
        if n == 1:  # back one screen: the answer given there is still marked
            page.locator("#prev-item").click()
            expect(page.locator(f"#item-{items[0].pk} input:checked")).to_have_count(1)
            page.locator("#next-item").click()
            expect(page.locator(f"#item-{item.pk} input:checked")).to_have_count(1)
        page.locator("#review" if n == len(items) - 1 else "#next-item").click()
    # read back: every item with its choice, before the one submit
    for item in items:
        expect(page.locator(f"#review-item-{item.pk}")).to_contain_text(chosen[item.pk])
    assert not offences(page.evaluate(MEASURE), page.url)
    assert Submission.objects.count() == 0
    page.locator("#submit").click()
    expect(page).to_have_url(re.compile(rf"/m/meetings/{meeting.pk}/ballot/$"))
    expect(page.get_by_test_id("receipt-code")).to_have_text(
        re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")
    )
    assert Submission.objects.count() == 1
    assert not offences(page.evaluate(MEASURE), page.url)
