"""The convener resumes the voting's failed invitations (issue 21 item 5; R-VOTE-4), in a real
Chromium: the meeting's page shows the failure with how many people were told and the retry
button; the click queues the same job again and the page shows the shared progress bar, which
moves (htmx polling the page, no reload) as the worker tells people, then says everyone was told.
Nobody gets the invitation twice."""

from __future__ import annotations

from collections import Counter

from playwright.sync_api import expect

from ownervote.core.models import BackgroundJob
from ownervote.notify.models import Notification
from ownervote.notify.testing import run_worker
from tests.browser.test_owner_journeys import PASSWORD, named_convener
from tests.voting.conftest import make_voting_meeting, voting_world  # noqa: F401 - fixtures


def test_convener_retries_the_failed_invitations(
    voting_world,  # noqa: F811 - the fixture imported above
    staff,
    page,
    login,
    screenshot,
):
    # R-VOTE-4
    w = voting_world
    meeting = w["meeting"]
    convener = named_convener(staff)
    invites = BackgroundJob.objects.filter(kind="voting.invite", target_id=meeting.pk)
    invites.update(status="failed", error="短信平台暂时不可用。")  # the run failed before anyone was told
    job = invites.get()

    login(page, convener.username, PASSWORD)
    page.goto(f"/console/meetings/{meeting.pk}/")
    expect(page.locator("#mt-invite")).to_have_attribute("data-status", "failed")
    expect(page.locator("#mt-invite-error")).to_contain_text("短信平台暂时不可用。")
    screenshot(page, "convener-invitations-failed")
    page.locator("#mt-invite-retry").click()

    expect(page.locator("#mt-invite")).to_have_attribute("data-status", "queued")
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert invites.get().retries == 1
    invites.filter(pk=job.pk).update(status="running", done=1, total=2)  # the worker part-way
    expect(page.locator("#mt-invite-count")).to_have_text("已通知 1 / 2 人")  # htmx polled the page
    expect(page.locator("#mt-invite-percent")).to_have_text("50%")
    screenshot(page, "convener-invitations-progress")
    invites.filter(pk=job.pk).update(status="queued", done=0, total=0)

    run_worker(at=meeting.voting_opens_at)
    expect(page.locator("#mt-invite-done")).to_be_visible()
    told = Counter(Notification.objects.filter(kind="meeting.voting_open").values_list("user_id", flat=True))
    assert told and set(told.values()) == {1}
