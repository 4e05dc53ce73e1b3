"""The convener records a posted paper notice in a real Chromium (R-MTG-10): the flats not served
yet, the form for a whole building with the photo of the notice on the wall, and the list after."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ownervote.meetings.models import NoticeService
from tests.browser.test_convener_onsite import photo
from tests.browser.test_owner_journeys import PASSWORD, named_convener
from tests.meetings.conftest import make_meeting  # noqa: F401 - the fixture
from tests.owners import import_roster

pytestmark = pytest.mark.browser


def test_convener_records_a_posted_paper_notice_for_a_building(staff, estates, make_meeting, page, login):  # noqa: F811
    # R-MTG-10: paper service by the convener, with a photo, for the flats of one building
    convener = named_convener(staff)
    import_roster(estates["a"], convener)
    meeting = make_meeting(25, "published")
    login(page, convener.username, PASSWORD)
    page.goto(f"/console/meetings/{meeting.pk}/")
    page.locator("#service-link").click()
    expect(page).to_have_url(re.compile(rf"/console/meetings/{meeting.pk}/service/$"))
    unserved = page.locator("#unserved tbody tr")
    before = unserved.count()
    expect(page.locator("#unserved")).to_contain_text("2栋")
    page.locator("#id_building").select_option(label="2栋")
    page.get_by_label("张贴位置").fill("2栋大堂公告栏")
    posted = timezone.localtime(timezone.now() - dt.timedelta(minutes=30))
    page.get_by_label("张贴时间").fill(posted.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("张贴公告的照片").set_input_files(photo("IMG_0100.png", (230, 230, 230)))
    page.get_by_role("button", name="登记张贴的公告").click()
    expect(page.get_by_text(re.compile(r"已为 \d+ 户登记张贴的公告"))).to_be_visible()
    expect(page.locator("#unserved")).not_to_contain_text("2栋")
    rows = NoticeService.objects.filter(meeting=meeting, channel=NoticeService.Channel.PAPER_POSTED)
    assert rows.count() == before - unserved.count() > 0
    assert {r.flat.building.name for r in rows} == {"2栋"}
    assert all(r.recorded_by_id == convener.pk and r.place == "2栋大堂公告栏" for r in rows)
