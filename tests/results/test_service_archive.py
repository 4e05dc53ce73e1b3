"""The proof of service of the notice (R-MTG-10) in the result: the per-flat table's service
column, and the archive's service records, which the verifier checks for tampering."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json

import pytest
from django.utils import timezone
from PIL import Image

from ownervote.core.files import Upload
from ownervote.meetings.models import NoticeService
from ownervote.meetings.services import service
from ownervote.notify.testing import run_worker
from ownervote.results import documents
from ownervote.results.services import archive, export, results
from ownervote.verify import archive as verifier
from ownervote.verify.__main__ import main as verify_main
from ownervote.voting.models import CountSession
from ownervote.voting.services import progress
from tests.results.scans import uploads
from tests.voting.paper_fixtures import cast, close_now, roll_of


def png() -> Upload:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 10)).save(buffer, format="PNG")
    return Upload("wall.png", buffer.getvalue(), "image/png")


@pytest.fixture
def served_world(voting_world, staff):
    """voting_world's meeting with its notices sent by SMS (zhang's and li's flats), the paper
    notice posted for building 2, one ballot, closed, result v1 generated."""
    w = voting_world
    meeting = w["meeting"]
    run_worker()
    flats = w["flats"]
    service.notice_paper_service(
        actor=w["convener"],
        meeting_id=meeting.pk,
        place="2栋大堂公告栏",
        posted_at=timezone.now() - dt.timedelta(minutes=10),
        photo=png(),
        building_id=flats["2栋-201"].building_id,
    )
    roll = roll_of(meeting)
    cast(meeting, [roll["1栋-101"]], user=w["zhang"])
    close_now(meeting)
    progress.voting_close(meeting_id=meeting.pk)
    CountSession.objects.filter(meeting=meeting).update(
        status=CountSession.Status.COMMITTED, committed_at=timezone.now()
    )
    results.result_generate(actor=w["convener"], meeting_id=meeting.pk)
    results.result_submit(actor=w["convener"], meeting_id=meeting.pk, **uploads())
    return {**w, **staff}


def test_the_per_flat_table_has_a_service_column(served_world):  # R-MTG-10
    meeting = served_world["meeting"]
    result = results.current(meeting)
    rows = {(f["building"], f["room"]): f for f in result.content["flats"]}
    # The console SMS backend reports delivery at once: the column prefers the delivery over the
    # acceptance (both are recorded).
    assert rows[("1栋", "101")]["served_by"] == "sms_delivered"
    assert rows[("2栋", "201")]["served_by"] in ("sms_delivered", "paper_posted")
    unserved = [f for f in result.content["flats"] if not f["served_by"]]
    assert all(f["served_at"] == "" for f in unserved)
    grid = documents.flats_grid(result.content)
    assert "送达" in grid.header or "Served" in grid.header
    assert any("未送达" in line or "not served" in line for line in grid.lines) or not unserved


def test_the_archive_carries_the_service_records(served_world):  # R-MTG-10
    meeting = served_world["meeting"]
    data = export.archive_of(meeting)
    services = data["services"]
    assert len(services) == NoticeService.objects.filter(meeting=meeting).count() > 0
    assert data["services_digest"] == archive.services_digest(services)
    paper = [s for s in services if s["channel"] == "paper_posted"]
    assert paper and all(s["place"] == "2栋大堂公告栏" and len(s["photo"]) == 64 for s in paper)
    ballot_flats = {b["flat"] for b in data["ballots"]}
    assert ballot_flats & {s["flat"] for s in services}  # the same per-meeting pseudonyms
    text = json.dumps(services, ensure_ascii=False)
    assert "101" not in text and "1栋" not in text  # no flat label: pseudonyms only
    report = verifier.check(data)
    assert report.ok and any(line.kind == "services" and line.ok for line in report.lines)


@pytest.mark.parametrize("tamper", ["drop", "channel", "time", "digest"])
def test_the_verifier_detects_tampered_service_records(tamper, served_world, tmp_path, capsys):  # R-MTG-10
    data = copy.deepcopy(export.archive_of(served_world["meeting"]))
    if tamper == "drop":
        data["services"].pop()
    elif tamper == "channel":
        data["services"][0]["channel"] = (
            "paper_posted" if data["services"][0]["channel"] != "paper_posted" else "sms_sent"
        )
    elif tamper == "time":
        data["services"][0]["at"] = "2020-01-01 08:00"
    else:
        data["services_digest"] = "0" * 64
    assert not verifier.check(data).ok
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    assert verify_main([str(path)]) == 1
    assert "送达记录" in capsys.readouterr().out
