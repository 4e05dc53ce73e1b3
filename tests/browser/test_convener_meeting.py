"""The convener sets up a meeting in a real Chromium (R-MTG-1, R-MTG-3, R-MTG-7): the meeting, a
topic with an ordinary item and a topic with an election, entered in one sitting with the rows
added in the page (an htmx request that brings back only the rows); the timeline computed live
refuses a date too early and offers the earliest that works, which moves the dates the same way;
the page itself is loaded once and saved once. The meeting is entered, publicised, and its public
notice page (no sign-in) shows it.

Labels come from the app's catalogue, so the test reads them through ``gettext`` (in the site's
language, Chinese) instead of repeating them."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from ownervote.audit.models import AuditEvent
from ownervote.meetings.models import Item, Meeting
from ownervote.rules import schedule
from tests.browser.test_owner_journeys import PASSWORD, fits_the_phone, named_convener, whole_page
from tests.meetings.conftest import guide
from tests.owners import confirm_totals, import_roster


def test_convener_creates_publishes_and_the_public_notice_shows_it(
    staff, estates, page, phone_page, login, screenshot
):
    # R-MTG-1 entered in one sitting, R-MTG-3 publicised, R-MTG-7 method; the timeline explains why
    estate, convener = estates["a"], named_convener(staff)
    import_roster(estate, convener)
    confirm_totals(estate, convener)  # R-ROSTER-1: a meeting is entered only on confirmed totals
    today = timezone.localdate()
    too_early = today + dt.timedelta(days=12)
    earliest = today + dt.timedelta(days=schedule.ENTRY_MIN_DAYS)

    login(page, convener.username, PASSWORD)
    page.goto("/console/meetings/")
    page.locator(f'a[href="/console/estates/{estate.pk}/meetings/new/"]').click()
    expect(page).to_have_url(re.compile(rf"/console/estates/{estate.pk}/meetings/new/$"))

    form = page.locator("#meeting-form")
    page.evaluate("window.editorLoaded = true")  # a full-page post would lose it

    def from_the_editor(response) -> bool:
        """An htmx request of the editor to its own page (not the live timeline's)."""
        request = response.request
        return (
            request.method == "POST"
            and request.headers.get("hx-request") == "true"
            and request.url.endswith(f"/console/estates/{estate.pk}/meetings/new/")
        )

    form.locator("#id_kind").select_option("temporary")
    form.locator("#id_method").select_option("mixed")
    form.locator("#id_title").fill("2026年第二次临时业主大会会议")
    form.locator("#id_place").fill("碧海花园会所一楼大厅")
    form.locator("#id_voting_opens_at").fill(f"{too_early.isoformat()}T09:00")
    form.locator("#id_voting_closes_at").fill(f"{(too_early + dt.timedelta(days=7)).isoformat()}T18:00")
    form.locator("#id_starts_at").fill(f"{too_early.isoformat()}T09:00")
    form.locator("#id_starts_at").dispatch_event("change")

    # The live timeline refuses the date, names the rule and offers the earliest date that works.
    preview = page.locator("#timeline-preview")
    problems = preview.locator("#schedule-problems")
    expect(problems).to_be_visible()
    expect(problems.locator('[data-rule="R-MTG-1"]')).to_contain_text(earliest.isoformat())
    use = preview.locator("#use-earliest")
    expect(use).to_have_attribute("value", earliest.isoformat())

    # The first topic and its ordinary item (the form starts with one of each).
    form.locator("#id_t0-title").fill("续聘物业服务企业")
    form.locator("#id_t0-i0-title").fill("是否同意续聘深圳市某某物业服务有限公司")
    form.locator("#id_t0-i0-category").select_option(str(Item.Category.MANAGER))
    # The election fields are hidden for a yes/no item.
    expect(form.locator('[data-item="0-0"] .mt-election-only')).to_be_hidden()

    # A second topic, added in the page, with an election: htmx brings back the rows alone.
    with page.expect_response(from_the_editor) as added:
        page.locator("#add-topic").click()
    assert added.value.status == 200 and "<html" not in added.value.text()
    assert "#meeting-dates" not in added.value.text() and 'name="t1-title"' in added.value.text()
    topic = form.locator('.mt-topic[data-topic="1"]')
    expect(topic).to_be_visible()
    expect(form.locator("#id_t1-title")).to_be_focused()
    form.locator("#id_t1-title").fill("选举第二届业主委员会")
    form.locator("#id_t1-i0-title").fill("选举业主委员会委员")
    form.locator("#id_t1-i0-kind").select_option("election")
    expect(topic.locator(".mt-election-only")).to_be_visible()
    form.locator("#id_t1-i0-category").select_option(str(Item.Category.COMMITTEE))
    form.locator("#id_t1-i0-seats").fill("2")
    form.locator("#id_t1-i0-candidates").fill("陈一：退休教师，3栋业主\n刘二：会计师\n黄三")
    expect(topic.locator(".mt-item-no")).to_have_text("2")  # items are numbered across the meeting

    # Use the offered date: the dates move (htmx: the dates and the timeline come back, nothing
    # else), and the timeline shows what the rules require.
    with page.expect_response(from_the_editor) as moved:
        use.click()
    assert moved.value.status == 200 and "<html" not in moved.value.text()
    assert 'name="t0-title"' not in moved.value.text()
    expect(form.locator("#id_starts_at")).to_have_value(f"{earliest.isoformat()}T09:00")
    expect(form.locator("#id_voting_closes_at")).to_have_value(
        f"{(earliest + dt.timedelta(days=7)).isoformat()}T18:00"
    )
    expect(preview.locator("#schedule-ok")).to_be_visible()
    held = preview.locator('[data-code="held_on"]')
    expect(held).to_contain_text(earliest.isoformat())
    # The article people cite, not the rule ID R-MTG-4 (issue 22 item 10).
    invitation = preview.locator('[data-code="invitation_on"]')
    expect(invitation).to_contain_text("《深圳市物业管理电子投票规则》第十二条")
    expect(invitation).not_to_contain_text("R-MTG-4")
    publicity_by = earliest - dt.timedelta(days=schedule.PUBLICITY_BEFORE_DAYS)
    expect(preview.locator('[data-code="publicity_by"]')).to_contain_text(publicity_by.isoformat())
    page.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    screenshot(page, "meeting-form")
    assert page.evaluate("window.editorLoaded") is True  # still the page first loaded
    expect(form.locator("#id_t1-title")).to_have_value("选举第二届业主委员会")  # typed rows kept

    page.locator("#save").click()
    expect(page).to_have_url(re.compile(r"/console/meetings/\d+/$"))
    meeting = Meeting.objects.get(estate=estate)
    assert (meeting.status, meeting.kind, meeting.method) == ("draft", "temporary", "mixed")
    items = list(meeting.items.order_by("position"))
    assert [(i.kind, i.category, i.seats, i.max_choices) for i in items] == [
        ("question", 4, None, None),
        ("election", 3, 2, 2),
    ]
    assert [c.name for c in items[1].candidates.order_by("position")] == ["陈一", "刘二", "黄三"]

    # The meeting page: its timeline, date by date.
    timeline = page.locator("#timeline")
    expect(timeline.locator('tr[data-code="entry_by"]')).to_contain_text(today.isoformat())  # exactly 20 days
    expect(timeline.locator('tr[data-code="voting_opens"]')).to_contain_text(earliest.isoformat())
    page.locator("#submit-open").click()  # a step that cannot be undone asks first
    page.locator("#submit").click()
    expect(page.locator(".messages")).to_contain_text(
        _("The meeting is entered. The street office has been told and may give guidance within 5 days.")
    )
    # Art. 12, R-MTG-2: the page says the publicity follows the guidance; the street office gives it.
    expect(page.locator("#publicity-from")).to_be_visible()
    meeting.refresh_from_db()
    guide(meeting, "同意按计划公示。")
    page.reload()
    expect(page.locator("#publicity-from")).to_have_count(0)
    page.locator("#publish-open").click()
    page.locator("#publish").click()
    expect(page.locator("#publicities")).to_contain_text(today.isoformat())
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED and meeting.publicity_starts_on == today
    assert AuditEvent.objects.filter(action="meeting.published", object_id=str(meeting.pk)).exists()
    screenshot(page, "meeting-detail")

    # The public notice, on a phone, without signing in.
    phone = phone_page
    phone.goto(page.locator("#public-link").get_attribute("href"))
    expect(phone.locator("#notice-h")).to_have_text("2026年第二次临时业主大会会议")
    notice = phone.locator("main")
    expect(notice).to_contain_text("碧海花园")
    expect(notice).to_contain_text("碧海花园业主委员会")
    expect(notice).to_contain_text("碧海花园会所一楼大厅")
    expect(notice).to_contain_text(f"{earliest.isoformat()} 09:00")
    expect(notice).to_contain_text(str(Meeting.Method.MIXED.label))
    expect(notice).to_contain_text("是否同意续聘深圳市某某物业服务有限公司")
    expect(notice).to_contain_text(str(Item.Category.MANAGER.label))
    expect(notice).to_contain_text(str(Item.Category.COMMITTEE.label))
    expect(notice).to_contain_text("陈一（退休教师，3栋业主）")
    fits_the_phone(phone)
    whole_page(screenshot)(phone, "meeting-notice")
    pdf = phone.request.get(phone.locator("#notice-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
