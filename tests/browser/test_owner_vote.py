"""An owner votes on a phone (390x844) and sees the receipt (R-VOTE-1, R-VOTE-3): sign in with an
SMS code, open the vote page, mark every item (the election's counter stops at the maximum),
check the choices, submit once, keep the receipt code; anybody can check the code."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ownervote.voting.models import Ballot, Submission
from ownervote.voting.services import cast
from tests.owners import bind
from tests.rosterfiles import mobile
from tests.voting.conftest import cast_world, make_voting_meeting, voting_world  # noqa: F401 - fixtures

from .conftest import new_phone_page
from .eldermode import MEASURE, enable_elder_mode, offences
from .test_accessibility import axe_available, axe_violations, describe  # noqa: F401 - fixture
from .test_owner_journeys import fits_the_phone, owner_sign_in, whole_page


def test_owner_votes_reviews_submits_and_sees_the_receipt(cast_world, phone_page, screenshot):  # noqa: F811
    # R-VOTE-1 R-VOTE-3
    screenshot = whole_page(screenshot)
    w, page = cast_world, phone_page
    meeting, question, election = w["meeting"], w["question"], w["election"]
    vote_url = f"/m/meetings/{meeting.pk}/vote/"

    page.goto(vote_url)  # not signed in: the sign-in first, then back to the vote page
    expect(page).to_have_url(re.compile(r"/m/login/\?next="))
    owner_sign_in(page, mobile(1))  # 张三: 1栋-101
    expect(page).to_have_url(re.compile(re.escape(vote_url) + "$"))
    expect(page.locator("#can-vote")).to_contain_text("1栋-101")
    fits_the_phone(page)
    screenshot(page, "owner-vote-flats")
    page.locator("#submission-1 a.weui-btn").click()

    # the ballot: every item, big choices
    expect(page.locator("#ballot-flats")).to_have_text("1栋-101")
    page.locator(f'#item-{question.pk} input[value="yes"]').check()
    boxes = page.locator(f"#item-{election.pk} input.ov-candidate")
    for i in range(election.max_choices):
        boxes.nth(i).check()
    # the maximum is reached: the last candidate can no longer be ticked
    expect(boxes.nth(election.max_choices)).to_be_disabled()
    expect(page.locator(f'[data-count-for="{election.pk}"]')).to_contain_text(f"{election.max_choices}")
    fits_the_phone(page)
    screenshot(page, "owner-vote-ballot")
    page.locator("#review").click()

    # the review: what was chosen, nothing blank, one submit
    expect(page.locator("#review-list")).to_contain_text(w["candidates"][0].name)
    expect(page.locator("#blank-warning")).to_have_count(0)
    assert Submission.objects.count() == 0
    screenshot(page, "owner-vote-review")
    page.locator("#submit").click()

    # the receipt
    expect(page).to_have_url(re.compile(rf"/m/meetings/{meeting.pk}/ballot/$"))
    code = page.get_by_test_id("receipt-code")
    expect(code).to_have_text(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    sub = Submission.objects.get()
    assert code.inner_text() == cast.display_code(sub.code)
    expect(page.locator("main")).to_contain_text(sub.digest)
    expect(page.locator("#progress")).to_be_visible()
    assert Ballot.objects.get().partial is False
    fits_the_phone(page)
    screenshot(page, "owner-vote-receipt")

    # anybody checks the code (typed in lower case, with hyphens)
    page.goto(f"/p/receipts/?code={cast.display_code(sub.code).lower()}")
    expect(page.locator("#receipt-found")).to_contain_text(sub.digest)
    expect(page.locator("main")).not_to_contain_text(question.title)


def test_blank_item_is_named_before_submitting(cast_world, phone_page):  # noqa: F811 - R-VOTE-1 R-TALLY-1
    w, page = cast_world, phone_page
    owner_sign_in(page, mobile(2))  # 李四: 1栋-102
    page.goto(f"/m/meetings/{w['meeting'].pk}/vote/")
    page.locator("#submission-1 a.weui-btn").click()
    page.locator(f'#item-{w["question"].pk} input[value="no"]').check()
    page.locator("#review").click()
    expect(page.locator("#blank-warning")).to_contain_text(w["election"].title)
    page.locator("#submit").click()
    expect(page.get_by_test_id("receipt-code")).to_be_visible()
    assert Ballot.objects.get().partial is True


def test_r_vote_4_a_flat_bound_late_shows_why_on_the_phone(
    voting_world,  # noqa: F811
    axe_available,  # noqa: F811
    browser,
    live_server,
):
    """R-VOTE-4 (art. 18): 王五 binds 1栋-102 after voting opened (no eligibility row). On a phone
    the vote page lists the flat with the reason (bound after the publicity began: a paper ballot
    from the convener), in the normal and the elder mode (R-SEC-8), without axe violations."""
    w = voting_world
    bind(w["wang"], w["flats"]["1栋-102"])
    vote_url = f"/m/meetings/{w['meeting'].pk}/vote/"
    context, page = new_phone_page(browser, live_server, bypass_csp=True)
    try:
        owner_sign_in(page, mobile(3))  # 王五
        page.goto(vote_url)
        reason = page.locator("#cannot-vote .ov-refused")
        expect(reason).to_have_count(1)
        expect(reason).to_contain_text("1栋-102")
        expect(reason).to_contain_text("公示开始后才绑定")
        expect(reason).to_contain_text("向召集人领取纸质表决票")
        expect(reason.locator(".ov-reason")).to_be_visible()
        fits_the_phone(page)
        assert not axe_violations(page), describe("王五", vote_url, axe_violations(page))
        enable_elder_mode(w["wang"])
        page.goto(vote_url)
        expect(page.locator("#cannot-vote .ov-reason")).to_be_visible()
        assert not offences(page.evaluate(MEASURE), vote_url)
        assert not axe_violations(page), describe("王五 (elder)", vote_url, axe_violations(page))
    finally:
        context.close()
