"""Owners' complaints to the street office (R-SEC-4, rules art. 5(5)) in a real Chromium: an owner
the roster lists (赵六, not verified, not bound) signs in on a phone with an SMS code and complains
about the count with a photo; the street office finds it in its console, accepts it and concludes
it; the owner reads the outcome. A complaint nobody answered past its 15 days shows as overdue on
the district bureau's figures page, without who complained.

For the overdue complaint the server's clock is moved (``time-machine`` moves it in the live
server's thread too) to a fixed day of a shipped year and then past the complaint's limit; the
cookies are session cookies, so that their expiry never depends on the two clocks."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from ownervote.complaints import services
from ownervote.complaints.models import Complaint
from ownervote.identity.accounts import owner_account_for_mobile
from ownervote.rules.calendar import SHIPPED
from tests.browser.test_owner_journeys import PASSWORD, named_convener, owner_sign_in
from tests.owners import import_roster
from tests.rosterfiles import mobile

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
BEIJING = ZoneInfo("Asia/Shanghai")


def _desktop(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    return context, context.new_page()


def test_owner_complains_the_street_office_accepts_and_concludes(
    staff, estates, phone_page, browser, live_server, login
):  # R-SEC-4
    estate = estates["a"]
    import_roster(estate, named_convener(staff))
    owner = phone_page

    # 赵六 signs in with the mobile the roster lists, and complains from the home page.
    owner_sign_in(owner, mobile(4))
    owner.goto("/m/")
    owner.locator("#complain").click()
    expect(owner).to_have_url(re.compile(r"/m/complaints/new/"))
    owner.get_by_label("小区").select_option(label=estate.name)
    owner.get_by_label("房屋绑定").check()
    owner.get_by_label("投诉内容").fill("1栋-201 被他人冒名绑定，我本人从未在系统中绑定过。")
    owner.get_by_label("照片或 PDF 文件（可选）").set_input_files(
        files=[{"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG}]
    )
    owner.locator("#submit-complaint").click()
    expect(owner).to_have_url(re.compile(r"/m/complaints/\d+/$"))
    complaint = Complaint.objects.get()
    expect(owner.locator("#complaint-status")).to_have_text("待决定是否受理")
    expect(owner.locator("#complaint-deadline")).to_contain_text(complaint.accept_by.isoformat())

    # The street office of the estate's street: its console shows the complaint, with the photo.
    context, street = _desktop(browser, live_server)
    login(street, staff["street"].username, PASSWORD)
    street.goto("/console/")
    expect(street.locator("#todo-complaints")).to_contain_text("待办理的业主投诉：1 件")
    street.get_by_role("navigation", name="主导航").get_by_role("link", name="投诉").click()
    expect(street).to_have_url(re.compile(r"/console/complaints/$"))
    street.locator(f"#complaint-{complaint.pk} a").click()
    expect(street.locator("#complainant")).to_contain_text("赵*")
    expect(street.locator("#complaint-files")).to_contain_text("现场照片.png")
    street.locator("#accept").click()
    expect(street.locator("#complaint-status")).to_contain_text("已受理，调查中")
    street.locator("#id_investigation").fill("调阅了绑定记录和人脸核验记录，并约谈了绑定人。")
    street.locator("#id_outcome").fill("绑定系冒名，已通知召集人核查并解除绑定。")
    street.locator("#conclude").click()
    expect(street.locator("#complaint-status")).to_contain_text("已办结")
    context.close()

    # The owner reads the outcome (and was told by SMS at each step).
    owner.goto(f"/m/complaints/{complaint.pk}/")
    expect(owner.locator("#complaint-status")).to_have_text("已办结")
    expect(owner.locator("#complaint-outcome")).to_have_text("绑定系冒名，已通知召集人核查并解除绑定。")
    owner.goto("/m/complaints/")
    expect(owner.locator(f"#complaint-{complaint.pk}")).to_contain_text("已办结")


@pytest.fixture
def session_cookies(settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None


def test_an_unanswered_complaint_shows_overdue_on_the_district_page(
    session_cookies, staff, estates, page, login
):  # R-SEC-4
    estate = estates["a"]
    import_roster(estate, named_convener(staff))
    filed = dt.datetime(max(SHIPPED), 3, 2, 10, tzinfo=BEIJING)
    with time_machine.travel(filed, tick=False):
        complaint = services.complaint_file(
            actor=owner_account_for_mobile(mobile(4)),
            estate_id=estate.pk,
            subject=Complaint.Subject.BINDING,
            text="1栋-201 被他人冒名绑定，我本人从未在系统中绑定过。",
        )
    late = dt.datetime.combine(complaint.accept_by + dt.timedelta(days=1), dt.time(10), tzinfo=BEIJING)
    with time_machine.travel(late, tick=True):
        login(page, staff["district"].username, PASSWORD)
        page.goto("/console/")
        page.locator("#home-complaints-oversight").click()
        expect(page).to_have_url(re.compile(r"/console/complaints/oversight/"))
        expect(page.locator("#figure-overdue-accept")).to_have_text("1")
        row = page.locator(f"#overdue-{complaint.pk}")
        expect(row).to_contain_text(estate.name)
        expect(row).to_contain_text(complaint.accept_by.isoformat())
        expect(page.locator("#overdue")).not_to_contain_text("赵")
