"""Issue 22's papercuts where a person meets them, in a real Chromium:

- item 9: asking for a new SMS code again within 60 s (here: the back button, then "获取验证码"
  again) keeps the code field, shows the wait as text, and the code already sent signs in;
- item 6: after a vote the owner's home says "您已投票" with the receipt code, the vote page lists
  the flat as voted (not under "您不能在这里投票的房屋"); before it, "可以投票，截止...";
- item 10: the fixed tab bar does not cover the ballot's "下一步" when it is scrolled into view;
- item 5: staff read their messages in the console (desktop), never on the owners' phone pages.

Owners on a 390x844 phone; staff on the desktop page."""

from __future__ import annotations

import re

from django.db import transaction
from playwright.sync_api import expect

from ownervote.notify.services import notify
from ownervote.voting.models import Submission
from ownervote.voting.services import cast
from tests.rosterfiles import mobile
from tests.voting.conftest import cast_world, make_voting_meeting  # noqa: F401 - fixtures

from .test_owner_journeys import fits_the_phone, owner_sign_in, sms_code, whole_page

PASSWORD = "Pw-for-tests-1"  # tests/conftest.py make_staff


def test_asking_again_within_60_s_keeps_the_code_field(db, phone_page, screenshot):  # R-ID-1, item 9
    page, number = phone_page, "13900000077"
    page.goto("/m/login/")
    page.get_by_label("手机号").fill(number)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status").filter(has_text="验证码已发送至")).to_be_visible()
    page.go_back()  # the first step again, as after a double tap or the back button
    page.get_by_label("手机号").fill(number)
    page.get_by_role("button", name="获取验证码").click()
    wait = page.locator("#code-wait")
    expect(wait).to_contain_text(re.compile(r"\d+ 秒后可重新获取"))
    expect(wait).to_contain_text("如果您已收到我们发送的验证码，请在下面填写。")
    expect(page.get_by_role("alert")).to_have_count(0)  # told as text, not as a failure
    code_field = page.get_by_label("验证码", exact=True)
    expect(code_field).to_be_visible()
    fits_the_phone(page)
    whole_page(screenshot)(page, "owner-login-code-wait")
    code_field.fill(sms_code(number, "sign_in_code"))
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/m/$"))


def _not_covered(page, selector: str) -> bool:
    """Scroll ``selector`` into view as the browser does for a focus or a link (block "nearest"),
    then ask which element is under its centre: the button itself, not the tab bar."""
    return page.evaluate(
        """(sel) => {
            const el = document.querySelector(sel);
            el.scrollIntoView({block: "nearest"});
            const r = el.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            const bottom = document.elementFromPoint(r.left + r.width / 2, r.bottom - 2);
            return el.contains(hit) && el.contains(bottom);
        }""",
        selector,
    )


def test_home_before_and_after_a_vote(cast_world, phone_page, screenshot):  # noqa: F811 - R-VOTE-3, item 6
    screenshot = whole_page(screenshot)
    w, page = cast_world, phone_page
    meeting = w["meeting"]
    owner_sign_in(page, mobile(1))  # 张三: 1栋-101
    page.goto("/m/")
    card = page.locator(f"#meeting-{meeting.pk}")
    expect(card).to_have_attribute("data-state", "vote_now")
    expect(card).to_contain_text("您可以投票，截止时间")
    card.locator(f"#vote-{meeting.pk}").click()
    page.locator("#submission-1 a.weui-btn").click()

    # the ballot: "下一步" is never under the fixed tab bar (item 10)
    expect(page.locator("#review")).to_be_visible()
    assert _not_covered(page, "#review"), "the tab bar covers the ballot's 下一步"
    page.locator(f'#item-{w["question"].pk} input[value="yes"]').check()
    page.locator("#review").click()
    page.locator("#submit").click()
    expect(page.get_by_test_id("receipt-code")).to_be_visible()

    # home: voted, with the receipt; no vote button, no "you can vote on your phone"
    page.goto("/m/")
    card = page.locator(f"#meeting-{meeting.pk}")
    expect(card).to_have_attribute("data-state", "voted")
    expect(card).to_contain_text("您已投票")
    expect(card).to_contain_text("已投票：1栋-101")
    code = cast.display_code(Submission.objects.get(user=w["zhang"]).code)
    expect(card.get_by_test_id("home-receipt")).to_have_text(code)
    expect(card.locator(f"#vote-{meeting.pk}")).to_have_count(0)
    expect(card).not_to_contain_text("您可以用手机投票")
    fits_the_phone(page)
    screenshot(page, "owner-home-voted")

    # the vote page: the flat is among the voted ones, not the refused ones
    page.goto(f"/m/meetings/{meeting.pk}/vote/")
    expect(page.locator("#voted")).to_contain_text("1栋-101")
    expect(page.locator("#cannot-vote")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("您不能在这里投票的房屋")
    fits_the_phone(page)


def test_staff_read_their_messages_in_the_console(staff, page, login, screenshot):  # item 5
    convener = staff["convener"]
    with transaction.atomic():
        notify(
            users=[convener], kind="test.objection", title="碧海花园收到一份异议", body="请在公示期内处理。"
        )
    login(page, convener.username, PASSWORD)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=re.compile("消息")).click()
    expect(page).to_have_url(re.compile(r"/console/messages/$"))
    expect(page.get_by_role("heading", name="消息", exact=True)).to_be_visible()
    expect(page.locator("#inbox")).to_contain_text("碧海花园收到一份异议")
    expect(page.locator(".weui-tabbar")).to_have_count(0)  # not the owners' phone tab bar
    expect(page.locator(".mainnav a[aria-current=page]")).to_contain_text("消息")
    screenshot(page, "console-inbox")
    page.reload()  # opened once: read now
    expect(page.locator(".mainnav")).not_to_contain_text("条新")
    expect(page.locator("#inbox .badge")).to_have_count(0)
