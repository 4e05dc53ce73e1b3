"""An owner on a phone (390x844) opens the list of proxies in force from the vote page (R-TRUST-3):
zhang and li have named the same person as their proxy; 赵六, an owner of the estate who gave no
proxy, sees both flats with the proxy's surname only and that one person holds both."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_owner_journeys import fits_the_phone, owner_sign_in
from tests.owners import bind, verified_person
from tests.rosterfiles import mobile, person_id
from tests.voting.conftest import make_voting_meeting, voting_world  # noqa: F401
from tests.voting.proxy_fixtures import PROXY, grant


def test_an_owner_opens_the_list_of_proxies_on_a_phone(voting_world, phone_page, screenshot):  # noqa: F811
    # R-TRUST-3
    w = voting_world
    meeting, page, flats = w["meeting"], phone_page, w["flats"]
    zhao = verified_person(mobile(4), "赵六", person_id(4))
    bind(zhao, flats["1栋-201"])
    for user, flat in ((w["zhang"], flats["1栋-101"]), (w["li"], flats["1栋-102"])):
        grant(user, meeting, [flat])

    page.goto(f"/m/meetings/{meeting.pk}/vote/")
    owner_sign_in(page, mobile(4))
    expect(page).to_have_url(re.compile(rf"/m/meetings/{meeting.pk}/vote/"))
    page.locator("#open-proxy-list").click()
    expect(page).to_have_url(re.compile(rf"/m/meetings/{meeting.pk}/proxies/list/"))
    expect(page.get_by_role("heading", name="委托投票名单")).to_be_visible()
    cards = page.locator(".ov-listed-proxy")
    expect(cards).to_have_count(2)
    for label, owner in (("1栋-101", "张*"), ("1栋-102", "李*")):
        card = cards.filter(has_text=label)
        expect(card).to_contain_text(owner)
        expect(card).to_contain_text("钱*（1 号受托人）")
        expect(card).to_contain_text("同时接受 2 位业主的委托")
    expect(page.locator("#proxy-count")).to_contain_text("有效委托 2 份")
    body = page.locator("body").inner_text()
    for secret in ("张三", "李四", PROXY["name"], PROXY["mobile"], PROXY["id_number"]):
        assert secret not in body
    fits_the_phone(page)
    screenshot(page, "owner-proxy-list")
