"""A late paper ballot after the result's publicity, in a real Chromium (R-SEC-6; issue 19, point 2):
the convener tries to open a paper count and is refused, starts a correction of the publicised
result with its reason, counts the late ballot, generates the new version and sees it marked as a
correction of version 1; once it is publicised, an owner on a phone reads "更正" on the public
page."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from ownervote.notify.testing import run_worker
from ownervote.results.models import Result, ResultCorrection
from ownervote.results.services import results
from ownervote.voting.models import Ballot, BallotSeal, CountSession
from tests.browser.test_owner_journeys import PASSWORD
from tests.browser.test_paper_count import _enter
from tests.results.scans import uploads
from tests.results.test_services import make_closed
from tests.voting.conftest import make_voting_meeting, voting_world  # noqa: F401 - fixtures

REASON = "清点投票箱时发现 1栋-102 的纸质表决票漏录"


def _publicised(w: dict) -> Result:
    meeting = w["meeting"]
    results.result_generate(actor=w["convener"], meeting_id=meeting.pk)
    made = results.result_submit(actor=w["convener"], meeting_id=meeting.pk, **uploads())
    Result.objects.filter(pk=made.pk).update(guidance_ends_on=results.today() - dt.timedelta(days=1))
    today = results.today()
    results.result_publicise(
        actor=w["convener"], meeting_id=meeting.pk, starts_on=today, ends_on=today + dt.timedelta(days=10)
    )
    return made


def test_late_paper_ballot_is_refused_then_entered_through_a_correction(
    voting_world,  # noqa: F811 - the fixture imported above
    page,
    phone_page,
    login,
    screenshot,
):
    # R-SEC-6 R-PAPER-3 R-RES-1
    w = make_closed(voting_world)  # zhang voted electronically for 1栋-101; the voting closed
    meeting = w["meeting"]
    _publicised(w)
    login(page, w["convener"].username, PASSWORD)

    # the late paper ballot: refused while the result is publicised
    page.goto(f"/console/meetings/{meeting.pk}/count/")
    expect(page.locator("#ballots-sealed")).to_contain_text("表决结果已公示")
    page.focus("#id_caller")
    _enter(page, "陈唱票\t林计票\t黄监票")
    expect(page.locator(".messages")).to_contain_text("已计入的表决票不能再改动")
    assert not CountSession.objects.filter(meeting=meeting).exists()

    # the correction, with its reason
    page.goto(f"/console/meetings/{meeting.pk}/result/")
    page.locator("#start-correction").click()
    expect(page.locator("#correction-form")).to_contain_text("请说明更正已公示结果的理由")
    assert not ResultCorrection.objects.exists()
    page.fill("#id_reason", REASON)
    page.locator("#start-correction").click()
    expect(page.locator("#correction-open")).to_contain_text(REASON)
    screenshot(page, "convener-result-correction")

    # the late ballot, counted as any paper ballot
    page.locator("#correction-count").click()
    page.focus("#id_caller")
    _enter(page, "陈唱票\t林计票\t黄监票")
    expect(page.locator("#id_flat")).to_be_focused()
    page.fill("#id_received_at", timezone.localtime(meeting.voting_closes_at).strftime("%Y-%m-%d %H:%M"))
    page.check("#id_received_via_box")
    page.focus("#id_flat")
    _enter(page, "1-102\t1\t1 3")
    expect(page.locator("#entered tbody tr")).to_have_count(1)
    page.check("#id_confirm")
    page.locator("#commit").click()
    expect(page.locator("#fig-counted")).to_have_text("1")
    assert Ballot.objects.filter(meeting=meeting, channel="paper", superseded=False).count() == 1

    # the new version completes the correction and says so
    page.goto(f"/console/meetings/{meeting.pk}/result/")
    page.locator("#generate").click()
    expect(page.locator("#rr-job")).to_be_visible()  # queued for the worker (results.services.generation)
    run_worker()
    page.reload()
    expect(page.locator("#rr-current")).to_have_attribute("data-version", "2")
    expect(page.locator("#current-corrects")).to_contain_text("更正已公示的第 1 版")
    expect(page.locator("#current-corrects")).to_contain_text(REASON)
    expect(page.locator("#version-2 [data-corrects='1']")).to_be_visible()
    expect(page.locator("#correction-open")).to_have_count(0)
    assert BallotSeal.objects.get(meeting=meeting).sealed
    screenshot(page, "convener-result-corrected")

    # submitted and publicised again (art. 25, 26); the owner reads the correction
    v2 = Result.objects.get(meeting=meeting, number=2)
    results.result_submit(actor=w["convener"], meeting_id=meeting.pk, **uploads())
    Result.objects.filter(pk=v2.pk).update(guidance_ends_on=results.today() - dt.timedelta(days=1))
    today = results.today()
    results.result_publicise(
        actor=w["convener"], meeting_id=meeting.pk, starts_on=today, ends_on=today + dt.timedelta(days=10)
    )
    phone_page.goto(f"/p/meetings/{meeting.pk}/result/")
    corrects = re.compile("本结果更正.*（第 1 版）.*" + REASON)
    expect(phone_page.locator("#rp-corrects")).to_contain_text(corrects)
    expect(phone_page.locator("#rp-merkle")).to_have_text(v2.merkle_root)
