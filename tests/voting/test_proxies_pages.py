"""The proxy pages and the /api/voting proxy routes (R-VOTE-6, R-VOTE-7)."""

from __future__ import annotations

import pytest
from django.test import Client

from ownervote.notify.models import Notification
from ownervote.voting.models import Proxy
from tests.owners import verified_person

from .proxy_fixtures import PROXY, grant, term

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.voting.proxy_fixtures")]

API = "/api/voting"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def body(world, **fields) -> dict:
    t = term(world["meeting"])
    return {
        "flat_ids": [world["flats"]["1栋-101"].pk],
        **PROXY,
        "matters": "",
        "authority": "",
        "term_from": t["term_from"].isoformat(),
        "term_until": t["term_until"].isoformat(),
        **fields,
    }


def test_api_grant_list_document_revoke(voting_world):  # R-VOTE-6 R-VOTE-7
    w = voting_world
    meeting = w["meeting"]
    zhang = client_for(w["zhang"])
    r = zhang.post(f"{API}/meetings/{meeting.pk}/proxies", body(w), content_type="application/json")
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["role"] == "grantor" and out["name_masked"] == "钱*" and out["status"] == "active"
    assert out["flats"] == [{"id": w["flats"]["1栋-101"].pk, "label": "1栋-101"}]
    assert meeting.title in out["matters"]  # the default: every item of the meeting
    assert PROXY["id_number"] not in r.content.decode()
    pid = out["id"]
    again = zhang.post(f"{API}/meetings/{meeting.pk}/proxies", body(w), content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "proxy.exists"
    bad = zhang.post(
        f"{API}/meetings/{meeting.pk}/proxies", body(w, mobile="12"), content_type="application/json"
    )
    assert bad.status_code == 422 and "mobile" in bad.json()["error"]["details"]["fields"]

    mine = zhang.get(f"{API}/meetings/{meeting.pk}/proxies").json()
    assert [p["id"] for p in mine["granted"]] == [pid] and mine["held"] == []
    person = client_for(verified_person(PROXY["mobile"], PROXY["name"], PROXY["id_number"]))
    held = person.get(f"{API}/meetings/{meeting.pk}/proxies").json()
    assert [p["id"] for p in held["held"]] == [pid] and held["held"][0]["role"] == "holder"
    assert person.get(f"{API}/proxies/{pid}").json()["role"] == "holder"

    all_ = client_for(w["convener"]).get(f"{API}/meetings/{meeting.pk}/proxies/all")
    assert all_.status_code == 200 and all_.json()[0]["id_number_masked"].startswith("4403")
    assert client_for(w["li"]).get(f"{API}/meetings/{meeting.pk}/proxies/all").status_code == 403
    assert client_for(w["li"]).get(f"{API}/proxies/{pid}").status_code == 404

    pdf = zhang.get(f"{API}/proxies/{pid}/document")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    assert person.post(f"{API}/proxies/{pid}/revoke").status_code == 403
    r = zhang.post(f"{API}/proxies/{pid}/revoke")
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    r = zhang.post(f"{API}/proxies/{pid}/revoke")
    assert r.status_code == 409 and r.json()["error"]["code"] == "proxy.revoked"


def test_owner_pages(voting_world):  # R-VOTE-6 R-VOTE-7
    w = voting_world
    meeting = w["meeting"]
    zhang = client_for(w["zhang"])
    page = zhang.get(f"/m/meetings/{meeting.pk}/proxies/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'inputmode="tel"' in html and "1栋-101" in html
    t = term(meeting)
    form = {
        "flats": [w["flats"]["1栋-101"].pk],
        "name": PROXY["name"],
        "id_number": "440304198001010001",  # wrong check digit
        "mobile": PROXY["mobile"],
        "matters": "全部事项",
        "authority": "自行决定",
        "term_from": t["term_from"].isoformat(),
        "term_until": t["term_until"].isoformat(),
    }
    r = zhang.post(f"/m/meetings/{meeting.pk}/proxies/", form)
    assert r.status_code == 422 and not Proxy.objects.exists()
    r = zhang.post(f"/m/meetings/{meeting.pk}/proxies/", {**form, "id_number": PROXY["id_number"]})
    assert r.status_code == 302, r.content.decode()[:2000]
    p = Proxy.objects.get()
    assert r["Location"] == f"/m/proxies/{p.pk}/"
    detail = zhang.get(r["Location"]).content.decode()
    assert "钱*" in detail and f"/m/proxies/{p.pk}/document.pdf" in detail and "/revoke/" in detail
    assert zhang.get(f"/m/proxies/{p.pk}/document.pdf").content.startswith(b"%PDF")

    person = client_for(verified_person(PROXY["mobile"], PROXY["name"], PROXY["id_number"]))
    held = person.get(f"/m/meetings/{meeting.pk}/proxies/held/").content.decode()
    assert "张*" in held and "1栋-101" in held and "尚未确认接受" in held
    assert f"/m/proxies/{p.pk}/confirm/" in held and f"/m/meetings/{meeting.pk}/vote/" not in held
    assert person.post(f"/m/proxies/{p.pk}/confirm/").status_code == 302
    held = person.get(f"/m/meetings/{meeting.pk}/proxies/held/").content.decode()
    assert f"/m/meetings/{meeting.pk}/vote/" in held and f"/m/proxies/{p.pk}/confirm/" not in held
    assert client_for(w["li"]).get(f"/m/proxies/{p.pk}/").status_code == 404

    console = client_for(w["convener"]).get(f"/console/meetings/{meeting.pk}/proxies/")
    assert console.status_code == 200 and "钱*" in console.content.decode()
    assert PROXY["id_number"] not in console.content.decode()
    assert client_for(w["street"]).get(f"/console/meetings/{meeting.pk}/proxies/").status_code == 403

    r = zhang.post(f"/m/proxies/{p.pk}/revoke/")
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == Proxy.Status.REVOKED


def test_pages_need_sign_in(voting_world):
    r = Client().get(f"/m/meetings/{voting_world['meeting'].pk}/proxies/")
    assert r.status_code == 302 and "/m/login/" in r["Location"]


def test_grant_by_page_for_a_proxy_with_an_account(voting_world):  # R-VOTE-6
    w = voting_world
    person = verified_person(PROXY["mobile"], PROXY["name"], PROXY["id_number"])
    p = grant(w["zhang"], w["meeting"], [w["flats"]["1栋-101"]])
    note = Notification.objects.get(user=person, kind="proxy.granted")
    assert note.link == f"/m/meetings/{w['meeting'].pk}/proxies/held/"
    assert p.pk
