"""/api/verification/ for a client that is not the browser pages (a WeChat mini-program): the same
services, the same refusals, personal data masked."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client

from ownervote.verification.models import Verification, VerifiedIdentity
from tests.rosterfiles import person_id

from .conftest import send_code

pytestmark = pytest.mark.django_db

V = "/api/verification"


@pytest.fixture
def api(world) -> Client:
    client = Client()
    client.force_login(world["newcomer"])
    return client


def test_self_service_through_the_api(api, world, face):  # R-ID-1
    me = api.get(f"{V}/me").json()
    assert me == {
        "verified": False,
        "identity": None,
        "latest": None,
        "self_service_enabled": True,
        "on_site_enabled": True,
    }
    body = {
        "name": "钱七",
        "id_number": person_id(9),
        "mobile": "13700000000",
        "code": send_code("13700000000"),
    }
    started = api.post(f"{V}/self-service", body, content_type="application/json")
    assert started.status_code == 201, started.content
    data = started.json()
    assert data["status"] == "started" and data["redirect_url"].startswith("/dev/face/")
    v = Verification.objects.get(pk=data["verification_id"])
    # The phone goes through the provider's page; the provider notifies our server.
    url = face.decide(v.provider_ref, passed=True)
    assert url.startswith("http://testserver/m/verify/face/callback/?")
    notified = Client().post(f"{V}/face/notify", dict(parse_qsl(urlsplit(url).query)))
    assert notified.status_code == 200 and notified.json()["status"] == "passed"
    mine = api.get(f"{V}/self-service/{v.pk}").json()
    assert mine["status"] == "passed" and mine["name_masked"] == "钱*"
    me = api.get(f"{V}/me").json()
    assert (
        me["verified"] is True
        and me["identity"]["id_number_masked"] == person_id(9)[:4] + "*" * 10 + person_id(9)[-4:]
    )
    assert "钱七" not in api.get(f"{V}/me").content.decode()
    assert VerifiedIdentity.objects.filter(user=world["newcomer"]).exists()


def test_api_refusals_are_structured(api, world):  # R-ID-1
    code = send_code("13700000000")
    bad_id = api.post(
        f"{V}/self-service",
        {"name": "钱七", "id_number": "440304198001010000", "mobile": "13700000000", "code": code},
        content_type="application/json",
    )
    assert bad_id.status_code == 422
    error = bad_id.json()["error"]
    assert error["code"] == "verification.id_invalid" and "身份证号码不正确" in error["message"]
    wrong = api.post(
        f"{V}/self-service",
        {
            "name": "钱七",
            "id_number": person_id(9),
            "mobile": "13700000000",
            "code": f"{(int(code) + 1) % 10**6:06d}",
        },
        content_type="application/json",
    )
    assert wrong.status_code in (422, 423) and wrong.json()["error"]["code"].startswith("sms.")
    assert not Verification.objects.filter(user=world["newcomer"]).exists()
    assert Client().get(f"{V}/me").status_code == 401
