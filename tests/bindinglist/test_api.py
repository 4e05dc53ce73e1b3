"""/api/binding-lists/: what each caller gets back (the permission table in
tests/permissions/owner_rows_bindinglist.py checks who may call what). R-BIND-3, R-BIND-4."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ownervote.bindinglist.models import Objection, Publication
from ownervote.bindings.models import Binding

from .conftest import PNG, REASON, days

R = "/api/binding-lists"


@pytest.fixture
def login(client):
    def as_(user):
        client.force_login(user)
        return client

    return as_


def test_publish_and_read_publications(login, owner_world, staff, estates):  # R-BIND-3
    a = estates["a"].pk
    c = login(staff["convener"])
    short = c.post(
        f"{R}/estates/{a}/publications",
        {"starts_on": days(0).isoformat(), "ends_on": days(9).isoformat()},
        content_type="application/json",
    )
    assert short.status_code == 422
    assert short.json()["error"]["code"] == "publication.too_short"
    assert "至少 10 日" in short.json()["error"]["message"]
    created = c.post(
        f"{R}/estates/{a}/publications",
        {"starts_on": days(0).isoformat(), "ends_on": days(10).isoformat(), "note": "第一次会议"},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["running"] is True and body["binding_count"] == 2 and len(body["list_digest"]) == 64
    assert body["publisher_organisation"]["id"] == staff["convener"].memberships.get().organisation_id
    listing = login(owner_world["zhang"]).get(f"{R}/estates/{a}").json()
    assert listing["publication"]["id"] == body["id"]
    assert [p["id"] for p in login(staff["street"]).get(f"{R}/estates/{a}/publications").json()] == [
        body["id"]
    ]
    withdrawn = login(staff["convener"]).post(
        f"{R}/publications/{body['id']}/withdraw", {"reason": "日期有误"}, content_type="application/json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["running"] is False
    assert Publication.objects.get().withdraw_reason == "日期有误"


def test_objection_by_multipart_with_files(login, owner_world, estates, running):  # R-BIND-4
    c = login(owner_world["li"])
    photo = SimpleUploadedFile("证明.png", PNG, content_type="image/png")
    response = c.post(
        f"{R}/objections", {"binding_id": owner_world["zhang_binding"].pk, "reason": REASON, "files": [photo]}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "filed" and body["flat"] == "1栋-101" and body["holder"] == "张*"
    assert body["filed_by_masked"] == "李*" and body["publication_id"] == running.pk
    (f,) = body["files"]
    assert f["content_type"] == "image/png" and f["size"] == len(PNG)
    got = c.get(f"{R}/objections/{body['id']}/files/{f['id']}")
    assert got.status_code == 200 and b"".join(got) == PNG
    bad = c.post(f"{R}/objections", {"binding_id": owner_world["zhang_binding"].pk, "reason": "太短"})
    assert bad.status_code == 409 and bad.json()["error"]["code"] == "objection.duplicate"


def test_objection_refusals_say_why(login, owner_world, estates, make_publication):  # R-BIND-4
    c = login(owner_world["zhang"])
    outside = c.post(f"{R}/objections", {"binding_id": owner_world["li_binding"].pk, "reason": REASON})
    assert outside.status_code == 409
    assert outside.json()["error"]["message"] == "只能在绑定信息公示期内提出异议。"
    make_publication(0, 10)
    short = c.post(f"{R}/objections", {"binding_id": owner_world["li_binding"].pk, "reason": "不是业主"})
    assert short.status_code == 422 and short.json()["error"]["code"] == "objection.reason_too_short"
    assert not Objection.objects.exists()


def test_objections_each_caller_sees(login, owner_world, staff, estates, running):  # R-BIND-4
    a = estates["a"].pk
    objection = Objection.objects.create(
        publication=running, binding=owner_world["zhang_binding"], filed_by=owner_world["li"], reason=REASON
    )
    seen = {}
    for who, user in (
        ("li", owner_world["li"]),
        ("zhang", owner_world["zhang"]),
        ("wang", owner_world["wang"]),
        ("convener", staff["convener"]),
        ("street", staff["street"]),
        ("other_convener", staff["other_convener"]),
    ):
        seen[who] = [o["id"] for o in login(user).get(f"{R}/objections?estate_id={a}").json()]
    assert seen == {
        "li": [objection.pk],
        "zhang": [],
        "wang": [],
        "convener": [objection.pk],
        "street": [objection.pk],
        "other_convener": [],
    }
    assert login(staff["convener"]).get(f"{R}/objections?estate_id={estates['c'].pk}").json() == []


def test_decision_by_api(login, owner_world, staff, running):  # R-BIND-4
    objection = Objection.objects.create(
        publication=running, binding=owner_world["zhang_binding"], filed_by=owner_world["li"], reason=REASON
    )
    c = login(staff["convener"])
    url = f"{R}/objections/{objection.pk}/decision"
    missing = c.post(url, {"upheld": True, "check_note": ""}, content_type="application/json")
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "objection.check_required"
    done = c.post(
        url,
        {"upheld": True, "check_note": "核对不动产登记", "outcome_note": "已解除"},
        content_type="application/json",
    )
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "upheld" and body["decider_real_name"] == staff["convener"].real_name
    owner_world["zhang_binding"].refresh_from_db()
    assert owner_world["zhang_binding"].status == Binding.Status.ENDED
    again = c.post(url, {"upheld": False, "check_note": "再次核实"}, content_type="application/json")
    assert again.status_code == 409
    # The list now shows the binding ended, with the reason.
    rows = login(owner_world["li"]).get(f"{R}/estates/{running.estate_id}").json()["rows"]
    assert (rows[0]["flat"], rows[0]["status"], rows[0]["end_reason"]) == (
        "1栋-101",
        "ended",
        "objection_upheld",
    )


def test_downloads(login, owner_world, estates):  # R-BIND-3
    c = login(owner_world["li"])
    pdf = c.get(f"{R}/estates/{estates['a'].pk}/list.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = c.get(f"{R}/estates/{estates['a'].pk}/list.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert xlsx["Cache-Control"] == "no-store, private"
