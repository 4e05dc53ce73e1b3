"""The holiday calendar's yearly life, clicked through in a real Chromium (R-MTG-4, issue 15): in
December, before next year's notice is loaded, a convener enters a meeting held in January; the
page refuses it in Chinese, says which dates need the year and that the operator has been told;
the city operator finds the year on the console home, loads it from there; the convener is told
and enters the same meeting again, which is now accepted.

The server's clock is moved to the 10th of December of the last shipped year (``time-machine``
moves it in the live server's thread too), and the calendar holds only the shipped years, so the
test means the same on any day it runs. The browser keeps its own clock: the cookies are made
session cookies, so that their expiry never depends on the two clocks."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from ownervote.meetings.models import CalendarYearRequest, Meeting
from ownervote.notify.models import Notification
from ownervote.rules.calendar import SHIPPED
from tests.browser.test_owner_journeys import PASSWORD, named_convener
from tests.meetings.test_pages_console import form_data
from tests.owners import import_roster

pytestmark = pytest.mark.shipped_calendar

YEAR = max(SHIPPED)
NEXT = YEAR + 1


@pytest.fixture
def december(settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    moment = dt.datetime(YEAR, 12, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=True):
        yield moment.date()


def fill_meeting(page, held: dt.date) -> None:
    """The meeting form as the convener fills it (the fields of tests/meetings form_data)."""
    data = form_data((held - dt.date(YEAR, 12, 10)).days)
    form = page.locator("#meeting-form")
    form.locator("#id_kind").select_option(data["kind"])
    form.locator("#id_method").select_option(data["method"])
    form.locator("#id_title").fill(data["title"])
    form.locator("#id_place").fill(data["place"])
    for name in ("voting_opens_at", "voting_closes_at", "starts_at"):
        form.locator(f"#id_{name}").fill(data[name])
    form.locator("#id_t0-title").fill(data["t0-title"])
    form.locator("#id_t0-i0-title").fill(data["t0-i0-title"])
    form.locator("#id_t0-i0-category").select_option(data["t0-i0-category"])


def test_a_refused_convener_the_operator_and_the_year_loaded(
    december, staff, estates, page, browser, live_server, login
):  # R-MTG-4
    estate, convener = estates["a"], named_convener(staff)
    import_roster(estate, convener)
    held = dt.date(NEXT, 1, 11)
    new_meeting = f"/console/estates/{estate.pk}/meetings/new/"

    # The convener enters a meeting held in January: refused, and told why, in Chinese.
    convener_page = page
    login(convener_page, convener.username, PASSWORD)
    convener_page.goto(new_meeting)
    fill_meeting(convener_page, held)
    convener_page.locator("#save").click()
    refusal = convener_page.locator("#refusal-problems")
    expect(refusal).to_contain_text(f"平台尚未录入 {NEXT} 年的法定节假日安排")
    expect(refusal).to_contain_text(f"会议召开日 {held.isoformat()}")
    expect(refusal).to_contain_text("已通知平台运营方")
    assert not Meeting.objects.exists() and CalendarYearRequest.objects.get().year == NEXT

    # The city operator finds the year on the console home and loads it from there.
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    operator = context.new_page()
    login(operator, staff["city"].username, PASSWORD)
    operator.goto("/console/")
    todo = operator.locator(f"#todo-calendar-{NEXT}")
    expect(todo).to_contain_text(f"请录入 {NEXT} 年法定节假日安排")
    expect(todo).to_contain_text("有 1 个召集人的会议在等待录入")
    todo.get_by_role("link").click()
    expect(operator).to_have_url(re.compile(rf"/console/calendar/\?year={NEXT}"))
    expect(operator.locator(f"#need-{NEXT}")).to_contain_text(estate.name)
    form = operator.locator("#calendar-form")
    expect(form.locator("#id_year")).to_have_value(str(NEXT))
    form.locator("#id_holidays").fill(f"{NEXT}-01-01")
    form.locator("#id_source").fill(f"国务院办公厅关于{NEXT}年部分节假日安排的通知")
    form.locator("#save-year").click()
    expect(operator.locator(f"#year-{NEXT}")).to_be_visible()
    expect(operator.locator(f"#todo-calendar-{NEXT}")).to_have_count(0)
    operator.goto("/console/")
    expect(operator.locator(f"#todo-calendar-{NEXT}")).to_have_count(0)

    # The convener is told, and the same meeting entered again is accepted: nothing was re-planned.
    (told,) = Notification.objects.filter(user=convener, kind="calendar.year_loaded")
    assert told.link == new_meeting
    convener_page.goto(new_meeting)
    fill_meeting(convener_page, held)
    convener_page.locator("#save").click()
    expect(convener_page).to_have_url(re.compile(r"/console/meetings/\d+/$"))
    assert Meeting.objects.get().starts_at.date() == held
    context.close()
