"""The convener generates the result in the background (issue 21 item 5; R-RES-1), in a real
Chromium: the click queues the job and the page shows its progress bar; a second click shows the
same job; the worker part-way moves the bar (htmx polling the fragment, no reload); once the worker
has generated the version the fragment says so with a link to it, and the version is the page's
current result."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from ownervote.core.models import BackgroundJob
from ownervote.notify.testing import run_worker
from ownervote.results.models import Result
from ownervote.voting.services import cast
from tests.browser.test_owner_journeys import PASSWORD, named_convener
from tests.voting.conftest import full_answers, make_voting_meeting, voting_world  # noqa: F401 - fixtures
from tests.voting.paper_fixtures import close_now

GENERATION = BackgroundJob.objects.filter(kind="result.generate")  # the opening has its own job


def test_convener_sees_the_progress_then_the_result(
    voting_world,  # noqa: F811 - the fixture imported above
    staff,
    page,
    login,
    screenshot,
):
    # R-RES-1
    w = voting_world
    meeting = w["meeting"]
    convener = named_convener(staff)
    cast.ballot_cast(
        actor=w["zhang"],
        meeting_id=meeting.pk,
        flat_ids=[w["flats"]["1栋-101"].pk],
        answers=full_answers(list(meeting.items.order_by("position"))),
    )
    close_now(meeting)

    login(page, convener.username, PASSWORD)
    page.goto(f"/console/meetings/{meeting.pk}/result/")
    page.locator("#close-voting").click()
    page.locator("#generate").click()
    bar = page.get_by_role("progressbar")
    expect(bar).to_be_visible()
    expect(page.locator("#rr-job")).to_have_attribute("data-status", "queued")
    expect(page.locator("#rr-job-percent")).to_have_text("0%")
    page.locator("#generate").click()  # the second click: the same job, not a second one
    expect(page.locator("#rr-job")).to_be_visible()
    assert GENERATION.count() == 1

    job = GENERATION.get()
    GENERATION.filter(pk=job.pk).update(status="running", done=3, total=5)  # the worker part-way
    expect(page.locator("#rr-job-percent")).to_have_text("60%")  # htmx polled the fragment
    expect(bar).to_have_attribute("value", "60")
    screenshot(page, "convener-result-progress")
    GENERATION.filter(pk=job.pk).update(status="queued", done=0, total=0)

    run_worker()
    expect(page.locator("#rr-job-done")).to_be_visible()
    version = Result.objects.get(meeting=meeting)
    page.locator("#rr-job-link").click()
    expect(page).to_have_url(re.compile(rf"/console/meetings/{meeting.pk}/result/v1/$"))
    page.goto(f"/console/meetings/{meeting.pk}/result/")
    expect(page.locator("#rr-current")).to_have_attribute("data-version", "1")
    expect(page.locator("#current-digest")).to_have_text(version.digest)
    screenshot(page, "convener-result-generated")
