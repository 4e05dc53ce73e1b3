"""An owner votes on a phone (390x844) and sees the receipt (R-VOTE-1, R-VOTE-3): sign in with an
SMS code, open the vote page, mark every item (the election's counter stops at the maximum),
check the choices, submit once, keep the receipt code; anybody can check the code."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ownervote.voting.models import Ballot, Submission
from ownervote.voting.services import cast
from tests.rosterfiles import mobile
from tests.voting.conftest import cast_world, make_voting_meeting  # noqa: F401 - fixtures

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
