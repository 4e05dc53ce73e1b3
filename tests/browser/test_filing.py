"""The street office downloads a publicised result for filing (备案, R-DATA-1) in a real Chromium:
from the oversight list's filing column and from the result page; the file is the documented
``ownervote-filing/1``, consistent with the version's hash, and the download is audited."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from ownervote.audit.models import AuditEvent
from ownervote.results.models import Result
from ownervote.results.services import filing
from tests.browser.test_owner_journeys import PASSWORD
from tests.results.test_archive import publicise, world  # noqa: F401 - the archive tests' world
from tests.voting.conftest import make_voting_meeting, voting_world  # noqa: F401 - fixtures


def test_street_office_downloads_the_filing(world, page, login, screenshot):  # noqa: F811 - R-DATA-1
    w = world
    meeting = w["meeting"]
    publicise(w)
    login(page, w["street"].username, PASSWORD)

    page.goto("/console/oversight/")
    row = page.locator(f"#ov-latest-table tr[data-meeting='{meeting.pk}']")
    expect(row.locator("[data-col=filing] a")).to_be_visible()
    screenshot(page, "street-filing-oversight")
    with page.expect_download() as download:
        row.locator("[data-col=filing] a").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert download.value.suggested_filename == f"ownervote-filing-{meeting.pk}-v1.json"
    assert filing.problems(data) == []
    assert data["result"]["digest"] == Result.objects.get(meeting=meeting).digest

    page.goto(f"/console/meetings/{meeting.pk}/result/")
    expect(page).to_have_url(re.compile(rf"/console/meetings/{meeting.pk}/result/$"))
    expect(page.locator("#filing-download")).to_have_text("备案文件（.json）")
    with page.expect_download() as again:
        page.locator("#filing-download").click()
    assert filing.problems(json.loads(Path(again.value.path()).read_text(encoding="utf-8"))) == []
    assert AuditEvent.objects.filter(action="result.filing_exported", actor_id=w["street"].pk).count() == 2
