"""The street office's home tells it what needs it (issue 22 item 1), clicked through in a real
Chromium: it signs in, sees the entered meeting's guidance window with its last day (R-MTG-2) and
the convener's application (R-ORG-1) among its to-dos, follows each to the page where it acts,
acts, and the to-do is gone from its home. Days are relative to today (``day``/``at``)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from playwright.sync_api import expect

from ownervote.meetings import services
from ownervote.meetings.models import Guidance
from ownervote.orgs.models import Association
from tests.browser.test_owner_journeys import PASSWORD
from tests.meetings.conftest import meeting_input
from tests.owners import ensure_totals


def test_the_street_office_follows_its_to_dos_and_they_are_done(staff, estates, page, login, screenshot):
    # R-MTG-2 the guidance window, R-ORG-1 the application, on the street office's home
    convener, street = staff["convener"], staff["street"]
    ensure_totals(estates["a"], convener)
    meeting = services.meeting_create(actor=convener, estate_id=estates["a"].pk, **meeting_input(25))
    services.meeting_submit(actor=convener, meeting_id=meeting.pk)
    meeting.refresh_from_db()
    pending = Association.objects.get(organisation__memberships__user=staff["pending"])

    login(page, street.username, PASSWORD)
    page.goto("/console/")
    todo = page.locator(f"#todo-guidance-{meeting.pk}")
    expect(todo).to_contain_text(meeting.title)
    expect(todo).to_contain_text(f"截止 {meeting.guidance_ends_on.isoformat()}")
    expect(page.locator("#todo-applications")).to_contain_text("待审核的关联申请：1 件")
    screenshot(page, "street-home-todos")

    # The guidance: the to-do opens the form; once recorded, the to-do is gone.
    todo.locator("a").click()
    expect(page).to_have_url(re.compile(rf"/console/meetings/{meeting.pk}/guidance/$"))
    page.locator("#id_text").fill("同意按计划公示，请在公告中写明投票方式。")
    page.locator("#record-guidance").click()
    expect(page.locator(".messages")).to_contain_text(
        _("The guidance opinion was recorded; the convener has been told.")
    )
    assert Guidance.objects.filter(meeting=meeting).count() == 1
    page.goto("/console/")
    expect(page.locator(f"#todo-guidance-{meeting.pk}")).to_have_count(0)

    # The application: the to-do opens it; once approved, the to-do is gone.
    page.locator("#todo-applications a").click()
    expect(page).to_have_url(re.compile(rf"/console/associations/{pending.pk}/decide/$"))
    page.locator("form:has(input[value='approved']) button[type=submit]").click()
    pending.refresh_from_db()
    assert pending.status == Association.Status.APPROVED
    page.goto("/console/")
    expect(page.locator("#todo-applications")).to_have_count(0)
