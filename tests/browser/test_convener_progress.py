"""The convener watches the voting's progress in a real Chromium (R-VOTE-2): the figures, and a
ballot cast meanwhile appears without a reload (htmx polls every 10 s)."""

from __future__ import annotations

from playwright.sync_api import expect

from ownervote.voting.models import RollFlat
from tests.browser.test_owner_journeys import PASSWORD, named_convener
from tests.voting.conftest import make_voting_meeting, voting_world  # noqa: F401 - fixtures
from tests.voting.progress_fixtures import cast


def test_convener_sees_progress_update_without_reload(
    voting_world,  # noqa: F811 - the fixture imported above
    staff,
    page,
    login,
    screenshot,
):
    # R-VOTE-2 live progress, not-voted list
    convener = named_convener(staff)
    meeting = voting_world["meeting"]
    total = RollFlat.objects.filter(meeting=meeting).count()
    login(page, convener.username, PASSWORD)
    page.goto(f"/console/meetings/{meeting.pk}/progress/")
    expect(page.locator("#vp-flats-voted")).to_have_text("0")
    expect(page.locator("#vp-not-voted-table tbody tr")).to_have_count(total)
    expect(page.locator("#vp-remind")).to_be_visible()
    page.evaluate("window.__marker = 'same page'")

    roll = list(RollFlat.objects.filter(meeting=meeting, flat=voting_world["flats"]["1栋-101"]))
    cast(meeting, roll, user=voting_world["zhang"])  # a ballot arrives meanwhile

    expect(page.locator("#vp-flats-voted")).to_have_text("1", timeout=15_000)
    expect(page.locator("#vp-area-voted")).to_have_text("89.50")
    assert page.evaluate("window.__marker") == "same page"  # no reload
    screenshot(page, "convener-progress")


def test_buildings_page_by_keyboard_on_a_phone(
    voting_world,  # noqa: F811 - the fixture imported above
    staff,
    phone_page,
    login,
    screenshot,
    monkeypatch,
):
    """Issue 21, R-VOTE-2: on a 390x844 phone the by-building figures show one page of buildings
    (the lowest turnout first) with links to the others; the next page opens from the keyboard
    without a reload, the 10-second refresh keeps that page, and nothing is wider than the screen."""
    from ownervote.voting.views import progress as views

    monkeypatch.setattr(views, "BUILDINGS_PAGE", 1)  # the live server runs in this process
    page = phone_page
    convener = named_convener(staff)
    meeting = voting_world["meeting"]
    flats = voting_world["flats"]
    cast(
        meeting,
        list(RollFlat.objects.filter(meeting=meeting, flat=flats["1栋-101"])),
        user=voting_world["zhang"],
    )
    login(page, convener.username, PASSWORD)
    page.goto(f"/console/meetings/{meeting.pk}/progress/")
    rows = page.locator("#vp-buildings tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("th")).not_to_have_text("1栋")  # 1栋 has voted most: not first
    overflow = "document.documentElement.scrollWidth - window.innerWidth"
    assert page.evaluate(overflow) <= 0
    page.evaluate("window.__marker = 'same page'")

    while page.locator("#vp-bpage-next").count():  # to the last page, from the keyboard
        page.locator("#vp-bpage-next").focus()
        before = page.locator("#vp-bpage-at").inner_text()
        page.keyboard.press("Enter")
        expect(page.locator("#vp-bpage-at")).not_to_have_text(before)
    expect(rows.first.locator("th")).to_have_text("1栋")
    assert "bpage=" in page.url and page.evaluate("window.__marker") == "same page"

    roll = list(RollFlat.objects.filter(meeting=meeting, flat=flats["1栋-102"]))
    cast(meeting, roll, user=voting_world["zhang"])  # a ballot arrives meanwhile
    expect(page.locator("#vp-flats-voted")).to_have_text("2", timeout=15_000)
    expect(rows.first.locator("th")).to_have_text("1栋")  # the refresh kept the page in view
    assert page.evaluate(overflow) <= 0
    screenshot(page, "convener-progress-phone")
