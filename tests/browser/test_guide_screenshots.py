"""The pictures of the guides per role (docs/guide/, issue 22 item 11): the seeded demo walked as
each of its accounts, the owner's pages on a phone (390x844), the staff's in a desktop window, each
page checked for the labels the guides quote before its picture is taken.

With OWNERVOTE_SCREENSHOTS=1 the pictures are written into docs/guide/img/ (commit them with the
guides); otherwise into a temporary folder, so that CI proves the walk without changing the
repository. Each picture is the visible window only, reduced to 256 colours: small PNGs. The README's
picture of the public result page (docs/screenshots/result-public.png) is taken here too, whole."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from ownervote.complaints.models import Complaint
from ownervote.demo import links, seed
from ownervote.roster import demo
from ownervote.voting.models import CountSession

from .conftest import PHONE, REPO_DIR
from .test_owner_journeys import fits_the_phone, owner_sign_in

GUIDE_IMG = REPO_DIR / "docs" / "guide" / "img"


@pytest.fixture
def guide_shot(tmp_path):
    folder = GUIDE_IMG if os.environ.get("OWNERVOTE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    taken: list[str] = []

    def take(page, name: str) -> Path:
        page.evaluate("document.activeElement && document.activeElement.blur()")  # no focus ring
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        with Image.open(path) as image:
            small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)
        taken.append(name)
        return path

    take.taken = taken  # type: ignore[attr-defined]
    return take


def referenced_pictures() -> set[str]:
    """The pictures the guides show (img/<name>.png)."""
    found = set()
    for page in (REPO_DIR / "docs" / "guide").glob("*.md"):
        found |= set(re.findall(r"img/([\w.-]+)\.png", page.read_text(encoding="utf-8")))
    return found


def _open(page, url: str, *texts: str) -> None:
    page.goto(url)
    for text in texts:
        expect(page.locator("body")).to_contain_text(text)
    expect(page.locator("#help-link")).to_have_text("帮助")


def _owner(phone, shot, found) -> None:
    _open(phone, "/m/login/", "业主登录", "获取验证码")
    shot(phone, "owner-login")
    owner_sign_in(phone, demo.demo_owners()[0].person.mobile)
    _open(phone, "/m/", "我的身份", "我的房屋", "业主大会会议")
    fits_the_phone(phone)
    shot(phone, "owner-home")
    _open(phone, "/m/flats/", "已绑定的房屋", "解除绑定")
    shot(phone, "owner-flats")
    _open(phone, found["vote"], "您可以投票的房屋", "为这些房屋投票")
    shot(phone, "owner-vote")
    phone.get_by_role("link", name="为这些房屋投票").click()
    expect(phone.locator("body")).to_contain_text("下一步：核对我的选择")
    shot(phone, "owner-ballot")
    _open(phone, found["notice"], "会议公告", "议题和表决事项")
    shot(phone, "owner-notice")
    _open(phone, found["result"], "会议投票结果", "回执码")
    shot(phone, "owner-result")
    _open(phone, "/m/inbox/", "消息")
    shot(phone, "owner-inbox")
    _open(phone, "/m/complaints/new/", "投诉")
    shot(phone, "owner-complaint")


def _public_result(phone, screenshot, found) -> None:
    """The README's picture of the public result page as anybody opens it, signed out: its first
    1,500 px (the outcome in words, the guidance, the receipt search), in 256 colours."""
    _open(phone, found["result"], "会议投票结果", "回执码", "查询")
    phone.set_viewport_size({"width": PHONE["width"], "height": 1500})
    path = screenshot(phone, "result-public", full_page=False)
    phone.set_viewport_size(PHONE)
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def _convener(page, login, shot, ids) -> None:
    _open(page, "/console/login/", "用户名", "密码", "注册并申请关联")
    shot(page, "console-login")
    login(page, "convener", demo.DEMO_PASSWORD)
    _open(page, "/console/", "首页", "小区与名册")
    shot(page, "convener-home")
    _open(page, f"/console/estates/{ids['estate']}/", "业主名册", "导入", "二维码海报")
    shot(page, "convener-roster")
    _open(page, f"/console/estates/{ids['estate']}/import/", "上传名册文件", "下载模板（.xlsx）")
    shot(page, "convener-import")
    _open(page, f"/console/estates/{ids['estate']}/binding-list/", "发布绑定信息公示")
    shot(page, "convener-binding-list")
    _open(page, f"/console/estates/{ids['estate']}/meetings/new/", "会议信息", "议题和表决事项", "保存草稿")
    shot(page, "convener-meeting-new")
    _open(page, f"/console/meetings/{ids['upcoming']}/", "已公示", "时间安排")
    shot(page, "convener-meeting")
    _open(page, f"/console/meetings/{ids['voting']}/progress/", "投票情况", "提醒未投票的业主")
    shot(page, "convener-progress")
    _open(page, f"/console/meetings/{ids['result']}/result/", "投票结果统计表（PDF）", "公示")
    shot(page, "convener-result")
    _open(page, f"/console/meetings/{ids['result']}/count/", "计票场次", "唱票人", "计票人", "监票人")
    shot(page, "count")
    _open(page, f"/console/count/{ids['session']}/", "纸质表决票计票", "已录入的房屋")
    shot(page, "count-session")


def _street(page, login, shot, ids) -> None:
    login(page, "shatou", demo.DEMO_PASSWORD)
    _open(page, "/console/", "待办事项", "个申请等待您审核")
    shot(page, "street-home")
    _open(page, "/console/associations/", "由您审核的申请", "批准", "拒绝")
    shot(page, "street-associations")
    _open(page, "/console/guidance/", "待指导会议", "出具指导意见")
    shot(page, "street-guidance")
    _open(page, f"/console/meetings/{ids['upcoming']}/guidance/", "指导意见", "提交指导意见")
    shot(page, "street-guidance-form")
    _open(page, "/console/complaints/", "业主投诉")
    shot(page, "street-complaints")
    _open(page, f"/console/complaints/{ids['complaint']}/", "受理投诉", "不予受理")
    shot(page, "street-complaint")
    _open(page, "/console/signals/", "冒投信号")
    shot(page, "street-signals")


def _district(page, login, shot) -> None:
    login(page, "futian", demo.DEMO_PASSWORD)
    _open(page, "/console/oversight/", "投票结果统计", "按街道统计")
    shot(page, "district-oversight")
    _open(page, "/console/complaints/oversight/", "业主投诉")
    shot(page, "district-complaints")
    page.context.clear_cookies()
    login(page, "city", demo.DEMO_PASSWORD)
    _open(page, "/console/calendar/", "法定节假日日历")
    shot(page, "city-calendar")


def test_guides_pictures_walk_the_demo_as_each_role(page, phone_page, login, guide_shot, screenshot):
    """Every page the guides show opens for its role with the labels they quote, has the header's
    帮助 link, and is photographed; every picture the guides show is one of them."""
    estate = seed.seed()
    meetings = links.demo_meetings()
    found = {x.key: x.url for x in links.demo_links()}
    ids = {
        "estate": estate.pk,
        "upcoming": meetings["upcoming"].pk,
        "voting": meetings["voting"].pk,
        "result": meetings["result"].pk,
        "session": CountSession.objects.filter(meeting=meetings["result"]).order_by("pk").first().pk,
        "complaint": Complaint.objects.order_by("pk").first().pk,
    }
    _public_result(phone_page, screenshot, found)
    _owner(phone_page, guide_shot, found)
    _convener(page, login, guide_shot, ids)
    page.context.clear_cookies()
    _street(page, login, guide_shot, ids)
    page.context.clear_cookies()
    _district(page, login, guide_shot)
    missing = referenced_pictures() - set(guide_shot.taken)
    assert not missing, f"the guides show pictures no test takes: {sorted(missing)}"
