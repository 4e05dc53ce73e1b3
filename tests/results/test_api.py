"""/api/results: the result workflow and the public result (art. 25-27; R-RES-1..4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from ownervote.meetings.models import Meeting
from ownervote.notify.testing import run_worker
from ownervote.results.models import Result, ResultPublicity
from ownervote.results.services import results
from ownervote.voting.services import cast
from tests.voting.paper_fixtures import close_now

from .scans import RESULT_PDF, files, sha
from .test_services import make_closed, submitted, window_over

pytestmark = pytest.mark.django_db
R = "/api/results"


@pytest.fixture
def closed_world(voting_world):
    return make_closed(voting_world)


def api(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def post(user, path: str, body=None):
    return api(user).post(path, body or {}, content_type="application/json")


def test_close_generate_submit_guide_publicise_through_the_api(voting_world):  # R-RES-1 R-RES-2 R-RES-3
    w = voting_world
    m = w["meeting"].pk
    sub = cast.ballot_cast(
        actor=w["zhang"],
        meeting_id=m,
        flat_ids=[w["flats"]["1栋-101"].pk],
        answers={str(w["question"].pk): "yes"},
    )
    early = post(w["convener"], f"{R}/meetings/{m}/voting-close")
    assert early.status_code == 409 and early.json()["error"]["code"] == "meeting.voting_not_over"
    not_closed = post(w["convener"], f"{R}/meetings/{m}/result")
    assert not_closed.json()["error"]["code"] == "result.voting_not_closed"

    close_now(w["meeting"])
    overview = api(w["convener"]).get(f"{R}/meetings/{m}/result").json()
    assert overview["can_close"] is True and overview["current"] is None
    closed = post(w["convener"], f"{R}/meetings/{m}/voting-close")
    assert closed.status_code == 200 and closed.json()["status"] == Meeting.Status.CLOSED

    queued = post(w["convener"], f"{R}/meetings/{m}/result", {"reason": ""})
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    run_worker()  # the worker generates it (results.services.generation)
    job = api(w["convener"]).get(queued.json()["status_url"]).json()
    assert job["status"] == "done" and job["version"] == 1 and job["percent"] == 100
    v1 = api(w["convener"]).get(f"{R}/meetings/{m}/result").json()["current"]
    assert v1["number"] == 1 and v1["voted_owners"] == 1 and v1["publicised"] is False
    again = post(w["convener"], f"{R}/meetings/{m}/result")
    assert again.status_code == 422 and again.json()["error"]["code"] == "result.reason_required"

    submitted_ = api(w["convener"]).post(f"{R}/meetings/{m}/result/submission", files())
    assert submitted_.status_code == 200
    assert submitted_.json()["result_scan_sha256"] == sha(RESULT_PDF)
    twice = api(w["convener"]).post(f"{R}/meetings/{m}/result/submission", files())
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "result.already_submitted"

    today = results.today()
    period = {"starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=10)).isoformat()}
    pending = post(w["convener"], f"{R}/meetings/{m}/result/publicity", period)
    assert pending.status_code == 409 and pending.json()["error"]["code"] == "result.guidance_pending"
    given = post(w["street"], f"{R}/meetings/{m}/result/guidance", {"text": "同意。"})
    assert given.status_code == 201 and given.json()["version"] == 1
    done = post(w["convener"], f"{R}/meetings/{m}/result/publicity", period)
    assert done.status_code == 201 and done.json()["starts_on"] == today.isoformat()

    overview = api(w["street"]).get(f"{R}/meetings/{m}/result").json()
    assert overview["current"]["publicised"] is True
    assert [g["text"] for g in overview["guidance"]] == ["同意。"]
    assert overview["publicity"]["version"] == 1 and overview["outcome"]

    public = api().get(f"{R}/public/meetings/{m}/result").json()
    assert public["digest"] == v1["digest"] and public["receipts"]["hashes"] == [sub.digest]
    assert "flats" not in public and "flats" not in public["result"]
    receipt = api().get(f"{R}/public/meetings/{m}/receipts/{cast.display_code(sub.code).lower()}")
    assert receipt.status_code == 200
    assert receipt.json() == {
        "code": cast.display_code(sub.code),
        "counted": True,
        "ballot_hash": sub.digest,
        "page": 1,
    }
    unknown = api().get(f"{R}/public/meetings/{m}/receipts/AAAABBBBCCCC")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "receipt.not_found"


def test_version_content_has_the_flats_for_the_convener_and_staff(closed_world, staff):  # R-RES-1
    w = closed_world
    submitted(w)
    m = w["meeting"].pk
    for reader in (w["convener"], staff["street"], staff["city"]):
        body = api(reader).get(f"{R}/meetings/{m}/versions/1").json()
        assert body["number"] == 1 and len(body["content"]["flats"]) == len(
            Result.objects.get().content["flats"]
        )
    assert api(w["zhang"]).get(f"{R}/meetings/{m}/versions/1").status_code == 404
    assert (
        api(w["convener"]).get(f"{R}/meetings/{m}/versions/7").json()["error"]["code"] == "result.not_found"
    )


def test_publicity_refusals_change_nothing(closed_world):  # R-RES-3
    w = closed_world
    made = submitted(w)
    window_over(w)
    m = w["meeting"].pk
    today = results.today()
    short = post(
        w["convener"],
        f"{R}/meetings/{m}/result/publicity",
        {"starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=9)).isoformat()},
    )
    assert short.status_code == 422 and short.json()["error"]["details"]["problems"] == ["too_short"]
    late = results.publicity_due_by(made) + dt.timedelta(days=1)
    body = {"starts_on": late.isoformat(), "ends_on": (late + dt.timedelta(days=10)).isoformat()}
    no_reason = post(w["convener"], f"{R}/meetings/{m}/result/publicity", body)
    assert no_reason.status_code == 422 and no_reason.json()["error"]["code"] == "result.late_reason_required"
    assert ResultPublicity.objects.count() == 0
    ok = post(w["convener"], f"{R}/meetings/{m}/result/publicity", {**body, "late_reason": "台风停工"})
    assert ok.status_code == 201 and ok.json()["late_reason"] == "台风停工"


def test_public_routes_are_404_before_the_publicity(closed_world):  # R-RES-3
    w = closed_world
    submitted(w)
    m = w["meeting"].pk
    assert api().get(f"{R}/public/meetings/{m}/result").json()["error"]["code"] == "result.not_found"
    code = w["submission"].code
    assert api().get(f"{R}/public/meetings/{m}/receipts/{code}").status_code == 404
