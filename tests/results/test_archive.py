"""The result's archive (R-RES-4, art. 27): exported from the current version with the ballots it
was counted from, downloaded by the convener and the supervising staff (audited) and by the
estate's bound owners once the result is publicised, refused to everybody else, and refused when
the ballots no longer match the version."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict
from ownervote.results.models import Result
from ownervote.results.services import export, results
from ownervote.verify import archive as verifier
from ownervote.verify import merkle
from ownervote.voting.models import Channel, CountSession
from ownervote.voting.services import progress
from tests.results.scans import uploads
from tests.voting.paper_fixtures import cast, close_now, roll_of

EXPORTED = "result.archive_exported"


@pytest.fixture
def world(voting_world, staff):
    """voting_world's meeting closed with zhang's electronic ballot for 1栋-101 and a paper ballot
    for 1栋-201; result v1 generated and submitted (guidance window open, not publicised)."""
    w = voting_world
    meeting = w["meeting"]
    roll = roll_of(meeting)
    cast(meeting, [roll["1栋-101"]], user=w["zhang"])
    close_now(meeting)
    progress.voting_close(meeting_id=meeting.pk)
    cast(meeting, [roll["1栋-201"]], channel=Channel.PAPER, by=w["convener"])
    CountSession.objects.filter(meeting=meeting).update(
        status=CountSession.Status.COMMITTED, committed_at=timezone.now()
    )
    results.result_generate(actor=w["convener"], meeting_id=meeting.pk)
    results.result_submit(actor=w["convener"], meeting_id=meeting.pk, **uploads())
    return {**w, **staff, "roll": roll, "meeting": meeting}


def publicise(w) -> None:
    today = timezone.localdate()
    Result.objects.filter(meeting=w["meeting"]).update(guidance_ends_on=today - dt.timedelta(days=1))
    results.result_publicise(
        actor=w["convener"],
        meeting_id=w["meeting"].pk,
        starts_on=today,
        ends_on=today + dt.timedelta(days=10),
    )


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def console_url(meeting) -> str:
    return reverse("results:archive", args=[meeting.pk])


def owner_url(meeting) -> str:
    return reverse("results:owner_archive", args=[meeting.pk])


def api_url(meeting) -> str:
    return f"/api/results/meetings/{meeting.pk}/archive"


def exported() -> int:
    return AuditEvent.objects.filter(action=EXPORTED).count()


def test_the_convener_downloads_the_current_versions_archive(world):  # R-RES-4
    meeting = world["meeting"]
    result = results.current(meeting)
    response = client_for(world["convener"]).get(console_url(meeting))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert (
        "attachment" in response["Content-Disposition"]
        and f"-{meeting.pk}-v1.json" in response["Content-Disposition"]
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["format"] == "ownervote.archive" and data["version"] == 1
    assert data["merkle_root"] == result.merkle_root == merkle.root(data["ballots"])
    assert data["result"] == result.content["result"] and data["result_digest"] == result.digest
    assert data["meeting"]["id"] == meeting.pk and data["items"] == result.content["items"]
    assert sorted(b["channel"] for b in data["ballots"]) == ["electronic", "paper"]
    assert data["totals"]["owners"] == result.content["result"]["totals"]["owners"]
    # the archive recounts to its own result (the pure verifier, in process)
    assert verifier.check(data).ok
    # the export is in the audit log, with what was exported
    event = AuditEvent.objects.get(action=EXPORTED)
    assert event.actor_id == world["convener"].pk and event.estate_id == meeting.estate_id
    assert event.summary["merkle_root"] == result.merkle_root and event.summary["number"] == 1


def test_no_label_or_name_of_a_flat_in_the_archive(world):  # R-RES-4, R-SEC-1
    text = client_for(world["convener"]).get(console_url(world["meeting"])).content.decode()
    for label in world["roll"]:
        assert label not in text
    for name in ("张三", "李四", "王五"):
        assert name not in text
    # A pseudonym (a keyed hash), not the flat's id: a digit of the id may appear in the hex by chance.
    pseudonym = json.loads(text)["ballots"][0]["flat"]
    assert re.fullmatch(r"F-[0-9a-f]{16}", pseudonym), pseudonym
    assert pseudonym.removeprefix("F-").lstrip("0") != str(world["roll"]["1栋-101"].flat_id)


def test_supervising_staff_download_others_are_told_nothing(world):  # R-RES-4
    meeting = world["meeting"]
    for who in ("street", "district", "city"):
        assert client_for(world[who]).get(console_url(meeting)).status_code == 200, who
    before = exported()
    for who in ("other_convener", "other_street"):
        assert client_for(world[who]).get(console_url(meeting)).status_code == 404, who
    # zhang: an owner, not staff: no console at all (orgs/staff.py)
    assert client_for(world["zhang"]).get(console_url(meeting)).status_code == 403
    anonymous = client_for().get(console_url(meeting))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert client_for(world["convener"]).get(console_url_missing()).status_code == 404
    assert exported() == before  # refusals are not exports


def console_url_missing() -> str:
    return reverse("results:archive", args=[999999])


def test_before_any_result_there_is_no_archive(voting_world):  # R-RES-4
    meeting = voting_world["meeting"]
    convener = voting_world["convener"]
    response = client_for(convener).get(console_url(meeting))
    assert response.status_code == 302 and response["Location"] == reverse(
        "results:console", args=[meeting.pk]
    )
    api = client_for(convener).get(api_url(meeting))
    assert api.status_code == 409 and api.json()["error"]["code"] == "result.none"
    assert client_for(voting_world["zhang"]).get(owner_url(meeting)).status_code == 404
    assert exported() == 0


def test_owners_download_once_the_result_is_publicised(world):  # R-RES-3, R-RES-4
    meeting = world["meeting"]
    zhang = client_for(world["zhang"])
    assert zhang.get(owner_url(meeting)).status_code == 404  # not public yet
    assert zhang.get(api_url(meeting)).status_code == 404
    publicise(world)
    response = zhang.get(owner_url(meeting))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["result_version"] == 1 and verifier.check(data).ok
    assert client_for(world["li"]).get(api_url(meeting)).status_code == 200
    # a verified co-owner who has not bound a flat, and an owner of another estate: nothing
    assert client_for(world["wang"]).get(owner_url(meeting)).status_code == 404
    assert client_for(world["other_convener"]).get(owner_url(meeting)).status_code == 404
    anonymous = client_for().get(owner_url(meeting))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert exported() == 0  # owners' downloads are not staff exports


def test_an_archive_that_no_longer_matches_its_version_is_refused(world):  # R-RES-4
    meeting = world["meeting"]
    convener = world["convener"]
    cast(meeting, [world["roll"]["1栋-102"]], channel=Channel.PAPER, by=convener)  # counted after v1
    with pytest.raises(Conflict) as refused:
        export.archive_of(meeting)
    assert refused.value.code == "result.archive_outdated"
    api = client_for(convener).get(api_url(meeting))
    assert api.status_code == 409 and api.json()["error"]["code"] == "result.archive_outdated"
    page = client_for(convener).get(console_url(meeting))
    assert page.status_code == 302
    assert exported() == 0  # nothing was exported
    CountSession.objects.filter(meeting=meeting).update(status=CountSession.Status.COMMITTED)
    v2 = results.result_generate(actor=convener, meeting_id=meeting.pk, reason="补录1栋-102纸质选票")
    data = json.loads(client_for(convener).get(api_url(meeting)).content)
    assert data["result_version"] == 2 and data["merkle_root"] == v2.merkle_root
    assert len(data["ballots"]) == 3 and verifier.check(data).ok
    assert exported() == 1


def test_the_api_follows_the_same_rules(world):  # R-RES-4
    meeting = world["meeting"]
    response = client_for(world["street"]).get(api_url(meeting))
    assert response.status_code == 200 and json.loads(response.content)["merkle_root"]
    assert exported() == 1
    for user in (world["zhang"], world["wang"], world["other_convener"], world["other_street"]):
        missing = client_for(user).get(api_url(meeting))
        assert missing.status_code == 404 and set(missing.json()) == {"error"}
    assert client_for().get(api_url(meeting)).status_code == 401
    assert exported() == 1
