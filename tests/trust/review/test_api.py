"""/api/signals/: what each caller gets back (tests/permissions/ checks who may call what). R-TRUST-1."""

from __future__ import annotations

import pytest

from ownervote.complaints.models import Complaint
from ownervote.trust.models import SignalReveal

R = "/api/signals"
JSON = "application/json"


@pytest.fixture
def login(client):
    def as_(user):
        client.logout()
        client.force_login(user)
        return client

    return as_


def test_r_trust_1_the_whole_review_by_api(login, staff, make_signal):
    signal = make_signal()
    s = login(staff["street"])
    (listed,) = s.get(R).json()
    assert listed["id"] == signal.pk and listed["status"] == "open" and listed["can_review"] is True
    assert listed["measure"]["threshold"] == {"flats": 2, "owners": 2}
    detail = s.get(f"{R}/{signal.pk}").json()
    assert [e["mobile"] for e in detail["evidence"]] == ["139****0001", "139****0002"]
    assert detail["reviews"] == [] and detail["reveals"] == []
    blank = s.post(f"{R}/{signal.pk}/reveal", {"item": 0, "field": "mobile", "reason": ""}, content_type=JSON)
    assert blank.status_code == 422 and blank.json()["error"]["code"] == "signal.reason_required"
    shown = s.post(
        f"{R}/{signal.pk}/reveal", {"item": 0, "field": "mobile", "reason": "核对"}, content_type=JSON
    )
    assert shown.status_code == 200 and shown.json() == {"item": 0, "field": "mobile", "value": "13900000001"}
    bad = s.post(f"{R}/{signal.pk}/review", {"outcome": "block", "note": "x"}, content_type=JSON)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "signal.outcome_invalid"
    done = s.post(f"{R}/{signal.pk}/review", {"outcome": "complaint", "note": "需调查"}, content_type=JSON)
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == "complaint" and body["complaint_id"] == Complaint.objects.get().pk
    assert [r["outcome"] for r in body["reviews"]] == ["complaint"]
    assert [(r["item"], r["field"], r["reason"]) for r in body["reveals"]] == [(0, "mobile", "核对")]
    again = s.post(f"{R}/{signal.pk}/review", {"outcome": "dismissed", "note": "再次"}, content_type=JSON)
    assert again.status_code == 409 and again.json()["error"]["code"] == "signal.already_reviewed"
    # the complaint is in the handling office's complaints queue like any other
    assert [c["id"] for c in s.get("/api/complaints/queue").json()] == [body["complaint_id"]]


def test_r_trust_1_the_district_reads_but_does_not_act(login, staff, make_signal):
    signal = make_signal()
    d = login(staff["district"])
    assert d.get(R).json()[0]["can_review"] is False
    refused = d.post(
        f"{R}/{signal.pk}/reveal", {"item": 0, "field": "mobile", "reason": "核对"}, content_type=JSON
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "signal.forbidden"
    assert not SignalReveal.objects.exists()


def test_r_trust_1_filters_and_owners_refused(login, staff, owner_world, make_signal, estates):
    make_signal()
    proxies = make_signal(kind="proxy_concentration")
    s = login(staff["street"])
    assert [x["id"] for x in s.get(R, {"kind": "proxy_concentration"}).json()] == [proxies.pk]
    assert s.get(R, {"estate_id": estates["c"].pk}).json() == []
    assert s.get(R, {"status": "dismissed"}).json() == []
    owner = login(owner_world["zhang"])
    assert owner.get(R).status_code == 403
    assert owner.get(f"{R}/{proxies.pk}").status_code == 403
