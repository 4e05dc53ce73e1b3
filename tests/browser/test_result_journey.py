"""From the close of the voting to the owner checking their receipt, in a real Chromium (art. 25-27;
R-RES-1..4): the convener closes the voting once its period has passed, generates the result,
downloads the result table's PDF, submits it to the street office and, once the street office's
window has passed, publicises it; an owner on a phone opens the public result page, types their
receipt code and sees that their ballot was counted."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from playwright.sync_api import expect

from ownervote.meetings.models import Item, Meeting
from ownervote.notify.testing import run_worker
from ownervote.results.models import Result, ResultPublicity
from ownervote.results.services import results
from ownervote.voting.services import cast
from tests.browser.test_owner_journeys import PASSWORD, fits_the_phone, named_convener, whole_page
from tests.results.scans import choose_in_browser
from tests.voting.conftest import full_answers, make_voting_meeting, voting_world  # noqa: F401 - fixtures
from tests.voting.paper_fixtures import close_now


def test_convener_closes_generates_submits_publicises_and_owner_finds_receipt(
    voting_world,  # noqa: F811 - the fixture imported above
    staff,
    page,
    phone_page,
    login,
    screenshot,
):
    # R-RES-1 R-RES-2 R-RES-3 R-RES-4
    w = voting_world
    meeting = w["meeting"]
    convener = named_convener(staff)
    items = list(Item.objects.filter(meeting=meeting).order_by("position"))
    receipt = cast.ballot_cast(  # zhang votes while the voting is open
        actor=w["zhang"],
        meeting_id=meeting.pk,
        flat_ids=[w["flats"]["1栋-101"].pk],
        answers=full_answers(items),
    )
    close_now(meeting)  # its period has passed; the system has not closed it yet

    login(page, convener.username, PASSWORD)
    page.goto(f"/console/meetings/{meeting.pk}/")
    page.locator("#result-link").click()
    expect(page).to_have_url(re.compile(rf"/console/meetings/{meeting.pk}/result/$"))
    page.locator("#close-voting").click()
    expect(page.locator("#generate")).to_be_visible()
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CLOSED

    page.locator("#generate").click()
    expect(page.locator("#rr-job")).to_be_visible()  # queued for the worker (results.services.generation)
    run_worker()
    page.reload()
    expect(page.locator("#rr-current")).to_have_attribute("data-version", "1")
    version = Result.objects.get(meeting=meeting)
    expect(page.locator("#current-digest")).to_have_text(version.digest)
    expect(page.locator("#rr-owners")).to_have_text("1")
    screenshot(page, "convener-result")

    with page.expect_download() as download:
        page.locator("#pdf-result").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    choose_in_browser(page)  # the signed, sealed tables (R-RES-2)
    page.locator("#submit-result").click()
    expect(page.locator("#submitted")).to_be_visible()
    expect(page.locator("#publicity-waits")).to_be_visible()  # the street office's 3 days first
    Result.objects.filter(pk=version.pk).update(guidance_ends_on=results.today() - dt.timedelta(days=1))
    page.reload()
    today = results.today()
    expect(page.locator("#id_starts_on")).to_have_value(today.isoformat())
    expect(page.locator("#id_ends_on")).to_have_value((today + dt.timedelta(days=10)).isoformat())
    page.locator("#publicise").click()
    expect(page.locator("#publicised")).to_be_visible()
    assert ResultPublicity.objects.get().result_id == version.pk

    # the owner, on a phone, without signing in
    owner = phone_page
    owner.goto(f"/p/meetings/{meeting.pk}/result/")
    expect(owner.locator("#rp-digest")).to_have_text(version.digest)
    expect(owner.locator("#outcome-lines li")).to_have_count(1 + len(items))
    owner.locator("#code").fill(cast.display_code(receipt.code).lower())
    owner.locator("#check").click()
    expect(owner.locator("#receipt-counted")).to_be_visible()
    expect(owner.locator("#receipt-hash")).to_have_text(receipt.digest)
    expect(owner.locator(f'[id="r-{receipt.digest}"]')).to_have_class("rp-mine")
    fits_the_phone(owner)
    whole_page(screenshot)(owner, "owner-result-receipt")
