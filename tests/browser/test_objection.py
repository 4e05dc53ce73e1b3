"""An owner objects to a ballot recorded for their flat, in a real Chromium (询异, R-TRUST-2):
王五 co-owns 1栋-102 and never voted, yet a ballot is recorded for it. On a phone, during the
result's publicity, he opens the public result page, sees "异议 0 件，已答复 0 件", follows
"提出异议", and raises "我没有投票" for his flat. The convener (console, two-step verification) finds
the objection on the home page's to-do list and answers it; 王五 reads the answer and disputes it;
the street office finds the complaint in its console at once."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ownervote.complaints.models import Complaint
from ownervote.objections.models import ResultObjection
from tests.browser.test_owner_journeys import PASSWORD, fits_the_phone, owner_sign_in
from tests.objections.conftest import make_publicised
from tests.rosterfiles import mobile
from tests.voting.conftest import make_voting_meeting, voting_world  # noqa: F401 - fixtures

ANSWER = "经核查，1栋-102 的表决票由共有人李四通过其绑定投出。"


def _desktop(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    return context, context.new_page()


def test_r_trust_2_owner_objects_convener_answers_owner_disputes_street_office_sees_complaint(
    voting_world,  # noqa: F811 - the fixture imported above
    staff,
    phone_page,
    page,
    browser,
    live_server,
    login,
    screenshot,
):
    w = make_publicised(voting_world)
    meeting = w["meeting"]
    owner = phone_page

    # 王五, on a phone: the public result page, then "提出异议".
    owner_sign_in(owner, mobile(3))
    owner.goto(f"/p/meetings/{meeting.pk}/result/")
    expect(owner.locator("#objection-counts")).to_have_text("异议 0 件，已答复 0 件")
    owner.locator("#raise-objection").click()
    expect(owner).to_have_url(re.compile(rf"/m/meetings/{meeting.pk}/objections/new/$"))
    owner.get_by_label("对哪一户的表决票有异议").select_option(label="1栋-102（我的房屋）")
    owner.get_by_label("我没有投票，但我的房屋记录了一张表决票").check()
    fits_the_phone(owner)
    screenshot(owner, "owner-objection-new")
    owner.locator("#submit-objection").click()
    expect(owner).to_have_url(re.compile(r"/m/objections/$"))
    objection = ResultObjection.objects.get()
    assert objection.flat == w["flats"]["1栋-102"]
    assert objection.kind == ResultObjection.Kind.NEVER_VOTED
    expect(owner.locator(f"#objection-status-{objection.pk}")).to_have_text("待召集人答复")

    # The convener: the to-do on the console's home, the list, the answer.
    login(page, w["convener"].username, PASSWORD)
    page.goto("/console/")
    expect(page.locator(f"#todo-objections-{meeting.pk}")).to_contain_text("待答复的投票结果异议：1 件")
    page.goto(f"/console/meetings/{meeting.pk}/objections/")
    row = page.locator(f"#objection-{objection.pk}")
    expect(row).to_contain_text("1栋-102")
    expect(row).to_contain_text(objection.answer_by.isoformat())
    page.locator(f"#answer-{objection.pk}").fill(ANSWER)
    page.locator(f"#answer-{objection.pk}-send").click()
    expect(row.locator(".objection-status")).to_contain_text("已答复")
    expect(page.locator("#objection-counts")).to_have_text("异议 1 件，已答复 1 件")
    screenshot(page, "convener-objections")

    # 王五 reads the answer and does not accept it: a complaint to the street office at once.
    owner.goto("/m/objections/")
    expect(owner.locator(f"#objection-answer-{objection.pk}")).to_have_text(ANSWER)
    owner.locator(f"#reason-{objection.pk}").fill("我从未授权李四替我投票。")
    owner.locator(f"#dispute-{objection.pk}").click()
    expect(owner.locator(f"#objection-status-{objection.pk}")).to_have_text("不认可答复，已转街道办投诉")
    fits_the_phone(owner)
    complaint = Complaint.objects.get()
    assert complaint.subject == Complaint.Subject.BALLOT

    # The street office: the complaint is in its console.
    context, street = _desktop(browser, live_server)
    login(street, staff["street"].username, PASSWORD)
    street.goto("/console/")
    expect(street.locator("#todo-complaints")).to_contain_text("待办理的业主投诉：1 件")
    street.goto("/console/complaints/")
    expect(street.locator(f"#complaint-{complaint.pk}")).to_contain_text(meeting.title)
    street.locator(f"#complaint-{complaint.pk} a").click()
    expect(street.locator("body")).to_contain_text("1栋-102")
    context.close()
