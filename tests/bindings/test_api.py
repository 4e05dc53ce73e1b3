"""/api/bindings (R-BIND-1): the shapes and codes a mini-program relies on. Who may call what is
in tests/permissions/owner_rows_bindings.py."""

from __future__ import annotations

from django.test import Client

from ownervote.bindings.models import Binding


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_bind_list_and_end_through_the_api(owner_world):  # R-BIND-1
    wang = owner_world["wang"]
    client = _client(wang)
    flat = owner_world["flats"]["1栋-102"]
    response = client.post("/api/bindings", {"flat_id": flat.pk}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["flat"] == {"id": flat.pk, "building": "1栋", "room": "102"}
    assert body["status"] == "active" and body["owner_name_masked"] == "王*" and body["staff_of"] is None
    listed = client.get("/api/bindings").json()
    assert [b["id"] for b in listed] == [body["id"]]
    ended = client.post(f"/api/bindings/{body['id']}/end").json()
    assert ended["status"] == "ended" and ended["end_reason"] == "by_owner"
    assert ended["end_reason_label"] == "业主本人解除"


def test_api_refusals_carry_stable_codes_and_chinese_messages(owner_world):  # R-BIND-1
    zhang = _client(owner_world["zhang"])
    r = zhang.post(
        "/api/bindings", {"flat_id": owner_world["flats"]["1栋-201"].pk}, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "binding.not_owner"
    assert "召集人" in r.json()["error"]["message"]
    r = zhang.post(
        "/api/bindings", {"flat_id": owner_world["flats"]["1栋-101"].pk}, content_type="application/json"
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "binding.already_bound"
    r = _client(owner_world["newcomer"]).post(
        "/api/bindings", {"flat_id": owner_world["flats"]["1栋-101"].pk}, content_type="application/json"
    )
    assert r.status_code == 403 and r.json()["error"]["message"] == "请先完成身份验证。"
    r = zhang.post(f"/api/bindings/{owner_world['li_binding'].pk}/end")
    assert r.status_code == 404 and r.json()["error"]["code"] == "binding.not_found"
    assert Binding.objects.filter(status="active").count() == 2


def test_estates_flats_and_suggestions(owner_world, estates):  # R-BIND-1
    client = _client(owner_world["zhang"])
    found = client.get("/api/bindings/estates", {"q": "碧海"}).json()
    assert [(e["name"], e["street"]["name"], e["district"]["name"]) for e in found] == [
        ("碧海花园", "沙头街道", "福田区")
    ]
    flats = client.get(f"/api/bindings/estates/{estates['a'].pk}/flats").json()
    assert len(flats) == 7 and set(flats[0]) == {"id", "building", "room"}  # no owner data
    mine = client.get(f"/api/bindings/estates/{estates['a'].pk}/suggestions").json()
    assert [(s["flat"]["room"], s["bound"]) for s in mine] == [("101", True), ("P001", False)]
    assert client.get("/api/bindings/estates/999999/flats").status_code == 404
    assert (
        _client(owner_world["newcomer"]).get(f"/api/bindings/estates/{estates['a'].pk}/suggestions").json()
        == []
    )
