"""核对结果 in a real Chromium (SPEC R-TRUST-4): an owner opens the public result, taps 核对结果;
the page downloads the archive, counts it again in the browser and shows every figure and the
Merkle root with ✓, and whether the proof of service of the notice is intact (R-MTG-10); the
ballot hash of the owner's receipt finds the ballot. An archive tampered on the way shows ✗. No
Content-Security-Policy violation (script-src 'self', no inline script)."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from ownervote.results.services import export
from ownervote.voting.models import Submission
from tests.browser.test_content_security_policy import check, watched
from tests.browser.test_owner_journeys import owner_sign_in
from tests.results.test_services import closed_world, publicise, submitted, window_over  # noqa: F401
from tests.rosterfiles import mobile
from tests.trust import archives
from tests.voting.conftest import make_voting_meeting, voting_world  # noqa: F401


def test_the_owner_checks_the_result_in_the_browser(closed_world, phone_page):  # noqa: F811 - R-TRUST-4 R-RES-4
    w = closed_world
    meeting = w["meeting"]
    submitted(w)
    window_over(w)
    publicise(w)
    digest = Submission.objects.get(meeting=meeting, user=w["zhang"]).digest
    seen = watched(phone_page)
    owner_sign_in(phone_page, mobile(1))  # 张三, bound to 1栋-101: may download the archive

    phone_page.goto(f"/p/meetings/{meeting.pk}/result/")
    phone_page.get_by_role("link", name="核对结果").click()
    status = phone_page.locator("#vf-status")
    expect(status).to_have_class("vf-status vf-ok", timeout=20000)
    expect(status).to_contain_text("全部一致")
    blocks = phone_page.locator(".vf-block")
    # root, the whole, each item and the proof of service of the notice (R-MTG-10)
    assert blocks.count() == 2 + len(export.archive_of(meeting)["items"]) + 1
    expect(phone_page.locator("#vf-services .vf-mark")).to_have_text("✓")
    expect(phone_page.locator('.vf-block[data-ok="0"]')).to_have_count(0)
    expect(phone_page.locator("#vf-merkle .vf-mark")).to_have_text("✓")
    assert (
        phone_page.locator("#vf-root-recomputed").inner_text()
        == phone_page.locator("#vf-root-published").inner_text()
    )

    phone_page.get_by_label("回执上的选票哈希").fill(digest[:10])
    phone_page.get_by_role("button", name="查找").click()
    expect(phone_page.locator("#vf-found-counted")).to_have_text("已计入（1 户）：")
    ballot = phone_page.locator(".vf-ballot")
    expect(ballot).to_contain_text("电子")
    expect(ballot).to_contain_text("第1项")
    check(phone_page, "verify", seen)

    # an archive altered on its way: one ballot's answer flipped
    data = export.archive_of(meeting)
    first = str(data["items"][0]["id"])
    answer = data["ballots"][0]["answers"].get(first)
    data["ballots"][0]["answers"][first] = "no" if answer == "yes" else "yes"
    phone_page.route(
        "**/result/archive.json",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(data, ensure_ascii=False)
        ),
    )
    phone_page.reload()
    expect(status).to_have_class("vf-status vf-bad", timeout=20000)
    expect(phone_page.locator("#vf-merkle .vf-mark")).to_have_text("✗")
    expect(phone_page.locator(f"#vf-item-{first}")).to_have_attribute("data-ok", "0")


def _serve(page, data: dict) -> None:
    """The page gets ``data`` as the archive and its root and result as the published ones."""
    root = {"meeting_id": 1, "version": 1, "merkle_root": data["merkle_root"], "result": data["result"]}

    def fulfil(body):
        text = json.dumps(body, ensure_ascii=False)
        return lambda route: route.fulfill(status=200, content_type="application/json", body=text)

    page.route("**/result/archive.json", fulfil(data))
    page.route("**/result/v1/root.json", fulfil(root))


def test_the_browser_recounts_an_item_for_one_building(closed_world, phone_page):  # noqa: F811 - R-TRUST-4 R-MTG-9
    """Beside each item the page names its voting scope and, for 2栋's lift, recounts the building's
    totals; a flat moved out of the building's list after the result shows ✗ on that item only."""
    w = closed_world
    meeting = w["meeting"]
    submitted(w)
    window_over(w)
    publicise(w)
    data = archives.CASES["an item for one building"]()
    _serve(phone_page, data)
    phone_page.goto(f"/p/meetings/{meeting.pk}/result/verify/")
    status = phone_page.locator("#vf-status")
    expect(status).to_have_class("vf-status vf-ok", timeout=20000)
    expect(phone_page.locator("#vf-item-1-scope")).to_have_text("表决范围：全体业主")
    expect(phone_page.locator("#vf-item-2-scope")).to_have_text("表决范围：2栋业主")
    building = phone_page.locator("#vf-item-2")
    expect(building.get_by_role("row", name="表决范围内的业主人数")).to_contain_text("7")
    expect(building.get_by_role("row", name="表决范围内的房屋户数")).to_contain_text("8")

    voter = next(
        b["flat"]
        for b in data["ballots"]
        if b["flat"] in {f["flat"] for f in data["items"][1]["scope"]["flats"]}
    )
    data["items"][1]["scope"]["flats"] = [f for f in data["items"][1]["scope"]["flats"] if f["flat"] != voter]
    phone_page.unroute("**/result/archive.json")
    _serve(phone_page, data)
    phone_page.reload()
    expect(status).to_have_class("vf-status vf-bad", timeout=20000)
    expect(phone_page.locator("#vf-merkle")).to_have_attribute("data-ok", "1")
    expect(phone_page.locator("#vf-item-1")).to_have_attribute("data-ok", "1")
    expect(building).to_have_attribute("data-ok", "0")


def test_the_browser_checks_the_service_of_the_notice(closed_world, phone_page):  # noqa: F811 - R-TRUST-4 R-MTG-10
    """The archive's service records (inbox, SMS, WeChat, paper with its place and photo) are
    intact: ✓ with their number; a record dropped after the result shows ✗ on them only."""
    w = closed_world
    meeting = w["meeting"]
    submitted(w)
    window_over(w)
    publicise(w)
    data = archives.CASES["follow majority with the notice served"]()
    _serve(phone_page, data)
    phone_page.goto(f"/p/meetings/{meeting.pk}/result/verify/")
    status = phone_page.locator("#vf-status")
    expect(status).to_have_class("vf-status vf-ok", timeout=20000)
    services = phone_page.locator("#vf-services")
    expect(services).to_have_attribute("data-ok", "1")
    expect(phone_page.locator("#vf-services-text")).to_contain_text(
        f"会议公告送达记录 {len(data['services'])} 条：完整"
    )
    expect(phone_page.locator("#vf-services-recomputed")).to_have_text(data["services_digest"])

    data["services"].pop(3)
    phone_page.unroute("**/result/archive.json")
    _serve(phone_page, data)
    phone_page.reload()
    expect(status).to_have_class("vf-status vf-bad", timeout=20000)
    expect(services).to_have_attribute("data-ok", "0")
    expect(phone_page.locator("#vf-services-text")).to_contain_text("不完整或被改动")
    expect(phone_page.locator('.vf-block[data-ok="0"]')).to_have_count(1)
