"""/api/complaints/: what each caller gets back (the permission tables in tests/permissions/ check
who may call what). R-SEC-4."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from .conftest import PNG, TEXT

R = "/api/complaints"


@pytest.fixture
def login(client):
    def as_(user):
        client.logout()
        client.force_login(user)
        return client

    return as_


def test_the_whole_life_by_api(login, owner_world, estates, staff):
    c = login(owner_world["zhang"])
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    created = c.post(R, {"estate_id": estates["a"].pk, "subject": "binding", "text": TEXT, "files": [photo]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "submitted" and body["handler_kind"] == "street_office"
    assert body["complainant_name_masked"] is None  # not even to the complainant: they know who they are
    (f,) = body["files"]
    assert [x["id"] for x in c.get(f"{R}/mine").json()] == [body["id"]]
    s = login(staff["street"])
    queued = s.get(f"{R}/queue").json()
    assert queued[0]["id"] == body["id"] and queued[0]["complainant_name_masked"] == "张*"
    assert b"".join(s.get(f"{R}/{body['id']}/files/{f['id']}")) == PNG
    assert s.post(f"{R}/{body['id']}/contact").json()["name"] == "张三"
    accepted = s.post(f"{R}/{body['id']}/accept", {"note": "已受理"}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["conclude_by"]
    again = s.post(f"{R}/{body['id']}/decline", {"reason": "重复"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "complaint.already_decided"
    # R-SEC-4 (《信访工作条例》): 30 days more, once, with a reason
    blank = s.post(f"{R}/{body['id']}/extend", {"reason": ""}, content_type="application/json")
    assert blank.status_code == 422 and blank.json()["error"]["code"] == "complaint.reason_required"
    extended = s.post(f"{R}/{body['id']}/extend", {"reason": "需调取监控"}, content_type="application/json")
    assert extended.status_code == 200, extended.content
    assert extended.json()["conclude_by"] > accepted.json()["conclude_by"]
    assert extended.json()["extension_reason"] == "需调取监控" and extended.json()["extended_at"]
    twice = s.post(f"{R}/{body['id']}/extend", {"reason": "再延"}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "complaint.already_extended"
    done = s.post(
        f"{R}/{body['id']}/conclude",
        {"investigation": "调阅录像", "outcome": "投诉不成立"},
        content_type="application/json",
    )
    assert done.json()["status"] == "concluded"
    assert login(owner_world["zhang"]).get(f"{R}/{body['id']}").json()["outcome"] == "投诉不成立"
    assert login(staff["district"]).get(f"{R}/{body['id']}").status_code == 404


def test_refusals_say_why(login, owner_world, estates):
    c = login(owner_world["newcomer"])
    refused = c.post(R, {"estate_id": estates["a"].pk, "subject": "binding", "text": TEXT})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "complaint.not_owner"
    c = login(owner_world["zhang"])
    short = c.post(R, {"estate_id": estates["a"].pk, "subject": "binding", "text": "短"})
    assert short.status_code == 422 and short.json()["error"]["code"] == "complaint.text_too_short"
    bad = c.post(R, {"estate_id": estates["a"].pk, "subject": "weather", "text": TEXT})
    assert bad.status_code == 422


def test_oversight_figures_without_identity(login, owner_world, estates, staff):
    c = login(owner_world["zhang"])
    body = c.post(R, {"estate_id": estates["a"].pk, "subject": "binding", "text": TEXT}).json()
    late = dt.date.fromisoformat(body["accept_by"]) + dt.timedelta(days=2)
    with time_machine.travel(dt.datetime.combine(late, dt.time(4), tzinfo=dt.UTC), tick=False):
        figures = login(staff["district"]).get(f"{R}/oversight").json()
        assert figures["total"] == 1 and figures["overdue_accept"] == 1
        (row,) = figures["overdue"]
        assert row["id"] == body["id"] and row["days_late"] == 2
        assert "张" not in str(row) and not any("complainant" in k for k in row)
        assert login(staff["street"]).get(f"{R}/oversight").status_code == 403
        assert login(staff["city"]).get(f"{R}/oversight").json()["total"] == 1
        assert login(owner_world["zhang"]).get(f"{R}/queue").status_code == 403
