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
