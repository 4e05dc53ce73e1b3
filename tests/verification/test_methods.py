"""Verification methods (R-ID-3, art. 9 last paragraph): the city operator enables or disables a
method from a date, each change published with its reason; owners see the notices; a disabled
method is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownervote.audit.models import AuditEvent
from ownervote.audit.services import GLOBAL_STREAM
from ownervote.core.errors import ServiceError
from ownervote.core.files import Upload
from ownervote.core.models import StoredFile
from ownervote.verification import selectors, services
from ownervote.verification.models import Method, MethodNotice, Verification
from tests.rosterfiles import mobile, person_id

from .conftest import image_bytes, photo_file, send_code

pytestmark = pytest.mark.django_db

METHODS = "/console/verification-methods/"


def text(response) -> str:
    return response.content.decode()


def change(world, method=Method.SELF_SERVICE, enabled=False, days=0, **kw) -> MethodNotice:
    args = {
        "actor": world["city"],
        "method": method,
        "enabled": enabled,
        "title": "暂停自助人脸识别验证",
        "reason": "人脸识别服务商系统升级，暂停一周。",
        "effective_on": timezone.localdate() + dt.timedelta(days=days),
    }
    args.update(kw)
    return services.method_change(**args)


def test_city_operator_changes_a_method_on_the_console(client, world):  # R-ID-3
    client.force_login(world["city"])
    page = client.get(METHODS)
    assert page.status_code == 200 and "验证方式" in text(page)
    today = timezone.localdate()
    response = client.post(
        METHODS,
        {
            "method": "self_service",
            "enabled": "0",
            "title": "暂停自助人脸识别验证",
            "reason": "人脸识别服务商系统升级，暂停一周。",
            "effective_on": today.isoformat(),
        },
    )
    assert response.status_code == 302
    notice = MethodNotice.objects.get()
    assert (notice.method, notice.enabled, notice.effective_on) == ("self_service", False, today)
    assert notice.published_by == world["city"] and notice.publisher_real_name == world["city"].real_name
    assert not selectors.method_enabled(Method.SELF_SERVICE) and selectors.method_enabled(Method.ON_SITE)
    event = AuditEvent.objects.get(action="verification.method_changed")
    assert event.stream == GLOBAL_STREAM and event.actor == world["city"] and event.estate_id is None
    assert "暂停自助人脸识别验证" in text(client.get(METHODS))


def test_only_the_city_operator_changes_methods(world, client):  # R-ID-3
    for who in ("district", "street", "community", "convener", "zhang", "newcomer"):
        with pytest.raises(ServiceError) as exc:
            change(world, actor=world[who])
        assert exc.value.status == 403 and exc.value.code == "verification.forbidden", who
        client.force_login(world[who])
        assert client.get(METHODS).status_code == 403, who
        response = client.post(
            METHODS,
            {"method": "on_site", "enabled": "0", "title": "t", "reason": "r", "effective_on": "2099-01-01"},
        )
        assert response.status_code == 403, who
    anonymous = Client().get(METHODS)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert not MethodNotice.objects.exists()
    with pytest.raises(ServiceError) as exc:
        change(world, method="fingerprint")
    assert exc.value.status == 404


def test_change_needs_title_reason_and_a_date_not_in_the_past(world, client):  # R-ID-3
    for kw, code in (
        ({"title": "  "}, "verification.title_required"),
        ({"reason": ""}, "verification.reason_required"),
        ({"days": -1}, "verification.effective_in_past"),
        ({"enabled": True}, "verification.method_unchanged"),  # already enabled
    ):
        with pytest.raises(ServiceError) as exc:
            change(world, **kw)
        assert exc.value.code == code, kw
    client.force_login(world["city"])
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        METHODS,
        {
            "method": "on_site",
            "enabled": "0",
            "title": "t",
            "reason": "r",
            "effective_on": yesterday.isoformat(),
        },
    )
    assert response.status_code == 422 and "不能早于今天" in text(response)
    assert not MethodNotice.objects.exists() and not AuditEvent.objects.filter(
        action__startswith="verification."
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changes=st.lists(st.tuples(st.integers(0, 20), st.booleans()), min_size=0, max_size=6),
    day=st.integers(-5, 30),
)
def test_state_on_a_day_is_the_latest_notice_in_force(world, changes, day):  # R-ID-3
    MethodNotice.objects.all().delete()
    today = timezone.localdate()
    expected_rows = []
    for order, (offset, enabled) in enumerate(changes):
        MethodNotice.objects.create(
            method=Method.ON_SITE,
            enabled=enabled,
            title=f"n{order}",
            reason="r",
            effective_on=today + dt.timedelta(days=offset),
            published_by=world["city"],
            publisher_real_name="x",
        )
        expected_rows.append((offset, order, enabled))
    in_force = [row for row in expected_rows if row[0] <= day]
    expected = max(in_force)[2] if in_force else True  # latest date, then latest published
    assert selectors.method_enabled(Method.ON_SITE, on=today + dt.timedelta(days=day)) is expected
    assert selectors.method_enabled(Method.SELF_SERVICE, on=today + dt.timedelta(days=day)) is True


def test_notice_is_visible_to_owners(world):  # R-ID-3
    change(world, days=3)
    page = Client().get(reverse("verification:notices"))
    assert page.status_code == 200
    body = text(page)
    assert "暂停自助人脸识别验证" in body and "人脸识别服务商系统升级，暂停一周。" in body
    effective = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert effective in body and "不再提供" in body
    api = Client().get("/api/verification/notices").json()
    assert api[0]["title"] == "暂停自助人脸识别验证" and api[0]["effective_on"] == effective
    methods = {m["method"]: m for m in Client().get("/api/verification/methods").json()}
    assert methods["self_service"]["enabled"] is True  # not yet in force
    assert methods["self_service"]["upcoming"]["effective_on"] == effective


def test_disabled_self_service_is_refused_and_points_on_site(world, client):  # R-ID-3 R-ID-1
    code = send_code("13700000000")
    change(world)
    client.force_login(world["newcomer"])
    page = text(client.get("/m/verify/"))
    assert "目前不提供自助验证" in page and "召集人" in page and "产权证明" in page
    assert "获取验证码" not in page
    response = client.post(
        "/m/verify/",
        {
            "name": "钱七",
            "id_number": person_id(9),
            "mobile": "13700000000",
            "code": code,
            "action": "verify",
        },
    )
    assert response.status_code == 409
    with pytest.raises(ServiceError) as exc:
        services.self_service_start(
            actor=world["newcomer"],
            name="钱七",
            id_number=person_id(9),
            mobile="13700000000",
            code=code,
            return_url="http://testserver/",
        )
    assert exc.value.code == "verification.method_disabled"
    assert not Verification.objects.filter(user=world["newcomer"]).exists()


def test_disabled_on_site_method_makes_the_form_refuse(world, client):  # R-ID-3 R-ID-2
    change(world, method=Method.ON_SITE, title="停止现场核实", reason="改为线下窗口办理。")
    client.force_login(world["convener"])
    url = reverse("verification:onsite", args=[world["estate"].pk])
    assert "目前不提供现场核实验证" in text(client.get(url))
    files = StoredFile.objects.count()
    building = world["flats"]["1栋-201"].building
    response = client.post(
        url,
        {
            "building": building.pk,
            "room": "201",
            "name": "赵六",
            "id_number": person_id(4),
            "mobile": mobile(4),
            "ownership_proof_checked": "on",
            "id_document_checked": "on",
            "accountable": "on",
            "id_photo": photo_file(),
            "holding_photo": photo_file(),
        },
    )
    assert response.status_code == 409 and "目前不提供现场核实验证" in text(response)
    assert (
        StoredFile.objects.count() == files
        and not Verification.objects.filter(method=Method.ON_SITE).exists()
    )
    with pytest.raises(ServiceError) as exc:
        services.onsite_verify(
            actor=world["convener"],
            estate_id=world["estate"].pk,
            flat_id=world["flats"]["1栋-201"].pk,
            name="赵六",
            id_number=person_id(4),
            mobile=mobile(4),
            ownership_proof_checked=True,
            id_document_checked=True,
            id_photo=Upload("a.png", image_bytes(), "image/png"),
            holding_photo=Upload("b.png", image_bytes(), "image/png"),
        )
    assert exc.value.code == "verification.method_disabled"


def test_api_method_change_by_the_city(world):  # R-ID-3
    client = Client()
    client.force_login(world["city"])
    body = {
        "enabled": False,
        "title": "暂停",
        "reason": "升级",
        "effective_on": timezone.localdate().isoformat(),
    }
    response = client.post("/api/verification/methods/on_site/changes", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["enabled"] is False
    client.force_login(world["street"])
    refused = client.post("/api/verification/methods/on_site/changes", body, content_type="application/json")
    assert refused.status_code == 403
