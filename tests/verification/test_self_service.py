"""Self-service verification at /m/verify/ (R-ID-1, art. 9(1)), driven with the test client through
the development face provider: details, SMS code, face recognition, result."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownervote.audit.models import AuditEvent
from ownervote.core import pii
from ownervote.identity.accounts import owner_account_for_mobile
from ownervote.orgs.models import User
from ownervote.verification import services
from ownervote.verification.models import DevFaceSession, Method, Verification, VerifiedIdentity
from tests.owners import face_consent
from tests.rosterfiles import mobile, person_id

from .conftest import last_code, send_code

pytestmark = pytest.mark.django_db

VERIFY = "/m/verify/"
NEWCOMER_MOBILE = "13700000000"


def text(response) -> str:
    return response.content.decode()


def details(**overrides) -> dict:
    return {"name": "钱七", "id_number": person_id(9), "mobile": NEWCOMER_MOBILE, **overrides}


def start_through_pages(client, data: dict):
    """Get the code with the page's button, read it from the SMS, submit: the response that
    sends the browser to the provider."""
    sent = client.post(VERIFY, {**data, "code": "", "action": "send_code"})
    assert sent.status_code == 200, text(sent)
    assert "验证码已发送至" in text(sent)
    return client.post(VERIFY, {**data, "code": last_code(data["mobile"]), "action": "verify"})


def through_provider(client, response, outcome: str):
    """Follow the redirect to the provider's page, click, and come back through the callback."""
    assert response.status_code == 302, text(response)
    provider_page = response["Location"]
    assert provider_page.startswith("/dev/face/")
    assert "模拟人脸识别" in text(client.get(provider_page))
    clicked = client.post(provider_page, {"outcome": outcome})
    assert clicked.status_code == 302 and "/m/verify/face/callback/?" in clicked["Location"]
    back = client.get(clicked["Location"])
    assert back.status_code == 302
    return back["Location"]


@pytest.fixture
def newcomer_client(client, world):
    client.force_login(world["newcomer"])
    return client


def test_form_is_prefilled_with_the_accounts_mobile(newcomer_client):  # R-ID-1
    page = newcomer_client.get(VERIFY)
    assert page.status_code == 200
    body = text(page)
    assert 'value="13700000000"' in body and "获取验证码" in body and "身份证号码" in body


def test_needs_sign_in(client, db):
    response = client.get(VERIFY)
    assert response.status_code == 302 and response["Location"].startswith(reverse("identity:login"))


def test_whole_flow_passes_and_leads_to_binding(newcomer_client, world):  # R-ID-1
    result_url = through_provider(newcomer_client, start_through_pages(newcomer_client, details()), "pass")
    v = Verification.objects.get(user=world["newcomer"])
    assert result_url == reverse("verification:result", args=[v.pk])
    assert v.status == Verification.Status.PASSED and v.method == Method.SELF_SERVICE
    assert v.name_masked == "钱*" and v.id_number_hash == pii.lookup("id_number", person_id(9))
    assert "钱七" not in v.name_enc and person_id(9) not in v.id_number_enc  # sealed, not plaintext
    identity = VerifiedIdentity.objects.get(user=world["newcomer"])
    assert identity.verification == v and identity.method == Method.SELF_SERVICE
    page = text(newcomer_client.get(result_url))
    assert "身份验证成功" in page and reverse("bindings:search") in page and "钱*" in page
    actions = list(
        AuditEvent.objects.filter(object_id=str(v.pk), object_type="verification.verification")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["verification.started", "verification.passed"]
    assert not any(
        "钱七" in str(e.summary) or person_id(9) in str(e.summary) for e in AuditEvent.objects.all()
    )


@pytest.mark.parametrize(
    ("wanted", "leads_to"),
    [("/m/estates/42/", "/m/estates/42/"), ("https://evil.example/", None)],
    ids=["own-page", "other-site-ignored"],
)
def test_success_leads_back_to_the_estate_the_owner_came_from(newcomer_client, world, wanted, leads_to):
    # R-ID-1 R-BIND-1: the QR landing sends the owner to verify with ?next=<the estate's page>;
    # after the round trip to the face provider the result page offers that page to bind.
    newcomer_client.get(f"{VERIFY}?next={wanted}")
    result_url = through_provider(newcomer_client, start_through_pages(newcomer_client, details()), "pass")
    page = text(newcomer_client.get(result_url))
    assert f'href="{leads_to or reverse("bindings:search")}"' in page
    assert "evil.example" not in page


def test_failure_explains_the_on_site_route(newcomer_client, world):  # R-ID-1 R-ID-2
    result_url = through_provider(newcomer_client, start_through_pages(newcomer_client, details()), "fail")
    v = Verification.objects.get(user=world["newcomer"])
    assert v.status == Verification.Status.FAILED and v.failure_reason
    assert not VerifiedIdentity.objects.filter(user=world["newcomer"]).exists()
    page = text(newcomer_client.get(result_url))
    assert "人脸识别未通过" in page
    assert "产权证明" in page and "身份证" in page and "召集人" in page and "现场" in page
    assert AuditEvent.objects.filter(action="verification.failed", object_id=str(v.pk)).exists()


def test_id_checksum_is_refused(newcomer_client, world):  # R-ID-1
    bad = person_id(9)[:-1] + ("0" if person_id(9)[-1] != "0" else "1")
    code = send_code(NEWCOMER_MOBILE)
    response = newcomer_client.post(VERIFY, {**details(id_number=bad), "code": code, "action": "verify"})
    assert response.status_code == 422
    assert "身份证号码不正确" in text(response)
    assert not Verification.objects.filter(user=world["newcomer"]).exists()
    # The service refuses it too, whatever the interface.
    with pytest.raises(services.InvalidInput) as exc:
        services.self_service_start(
            actor=world["newcomer"], **details(id_number=bad), code=code, return_url="http://testserver/"
        )
    assert exc.value.code == "verification.id_invalid"


def test_mobile_must_be_the_accounts_own(newcomer_client, world):  # R-ID-1
    response = newcomer_client.post(
        VERIFY, {**details(mobile="13912345678"), "code": "", "action": "send_code"}
    )
    assert response.status_code == 422
    assert "请填写您账号的手机号" in text(response) and "137****0000" in text(response)
    assert not Verification.objects.filter(user=world["newcomer"]).exists()


def test_wrong_code_is_refused_and_nothing_started(newcomer_client, world):  # R-ID-1
    code = send_code(NEWCOMER_MOBILE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = newcomer_client.post(VERIFY, {**details(), "code": wrong, "action": "verify"})
    assert response.status_code == 422 and "验证码" in text(response)
    assert (
        not Verification.objects.filter(user=world["newcomer"]).exists()
        and not DevFaceSession.objects.exists()
    )


def test_account_without_mobile_gets_it_after_the_code_check(client, world):  # R-ID-1
    wechat_user = User.objects.create_user(username="wx-owner")  # signed in with WeChat: no mobile
    face_consent(wechat_user)  # R-SEC-7
    client.force_login(wechat_user)
    assert NEWCOMER_MOBILE not in text(client.get(VERIFY))
    # A number another account holds is refused.
    taken = client.post(VERIFY, {**details(mobile=NEWCOMER_MOBILE), "code": "", "action": "send_code"})
    assert taken.status_code == 409 and "该手机号已属于另一个账号" in text(taken)
    response = start_through_pages(client, details(mobile="13912340000"))
    assert response.status_code == 302
    wechat_user.refresh_from_db()
    assert wechat_user.mobile_hash == pii.lookup("mobile", "13912340000")
    assert AuditEvent.objects.filter(action="account.mobile_set", object_id=str(wechat_user.pk)).exists()


def test_reverifying_replaces_the_identity(newcomer_client, world):  # R-ID-1
    through_provider(newcomer_client, start_through_pages(newcomer_client, details()), "pass")
    first = VerifiedIdentity.objects.get(user=world["newcomer"])
    # A minute later (one code per minute), with a corrected name.
    with_later_clock(newcomer_client, details(name="钱小七"))
    identity = VerifiedIdentity.objects.get(user=world["newcomer"])
    assert identity.pk == first.pk and identity.verification_id != first.verification_id
    assert identity.name_masked == "钱*七"
    assert VerifiedIdentity.objects.filter(user=world["newcomer"]).count() == 1


def with_later_clock(client, data):
    from unittest.mock import patch

    later = timezone.now() + dt.timedelta(seconds=120)
    with patch("django.utils.timezone.now", return_value=later):
        through_provider(client, start_through_pages(client, data), "pass")


def test_bound_account_cannot_become_another_person(client, world):  # R-ID-1 R-BIND-1
    zhang = world["zhang"]  # verified as 张三 and bound to 1栋-101
    face_consent(zhang)  # R-SEC-7
    client.force_login(zhang)
    code = send_code(mobile(1))
    response = client.post(
        VERIFY,
        {"name": "李四", "id_number": person_id(2), "mobile": mobile(1), "code": code, "action": "verify"},
    )
    assert response.status_code == 409 and "已以另一身份绑定" in text(response)
    assert zhang.verified_identity.id_number_hash == pii.lookup("id_number", person_id(1))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(minutes=st.integers(min_value=0, max_value=120))
def test_attempts_expire_after_30_minutes(world, minutes):  # R-ID-1
    user = world["newcomer"]
    v = Verification(
        user=user, method=Method.SELF_SERVICE, status=Verification.Status.STARTED, provider="dev"
    )
    v.save()
    started_at = timezone.now() - dt.timedelta(minutes=minutes, seconds=1 if minutes >= 30 else 0)
    Verification.objects.filter(pk=v.pk).update(started_at=started_at)
    services.expire_stale(user=user)
    v.refresh_from_db()
    stale = timezone.now() - started_at > services.ATTEMPT_TTL
    assert v.status == (Verification.Status.EXPIRED if stale else Verification.Status.STARTED)
    Verification.objects.filter(pk=v.pk).update(status=Verification.Status.EXPIRED)  # out of the way


def test_callback_for_an_attempt_older_than_30_minutes_expires_it(newcomer_client, world, face):  # R-ID-1
    response = start_through_pages(newcomer_client, details())
    v = Verification.objects.get(user=world["newcomer"])
    Verification.objects.filter(pk=v.pk).update(started_at=timezone.now() - dt.timedelta(minutes=31))
    clicked = newcomer_client.post(response["Location"], {"outcome": "pass"})
    result_url = newcomer_client.get(clicked["Location"])["Location"]
    v.refresh_from_db()
    assert v.status == Verification.Status.EXPIRED
    assert not VerifiedIdentity.objects.filter(user=world["newcomer"]).exists()
    assert "已超时" in text(newcomer_client.get(result_url))


def test_result_page_is_for_its_owner_only(newcomer_client, world, client):  # R-ID-1
    through_provider(newcomer_client, start_through_pages(newcomer_client, details()), "pass")
    v = Verification.objects.get(user=world["newcomer"])
    other = owner_account_for_mobile(mobile(5))
    client.force_login(other)
    assert client.get(reverse("verification:result", args=[v.pk])).status_code == 404


def test_forged_callback_page_says_so(newcomer_client, world):  # R-ID-1
    start_through_pages(newcomer_client, details())
    v = Verification.objects.get(user=world["newcomer"])
    response = newcomer_client.get(
        reverse("verification:face_callback"),
        {"app_id": "ownervote-dev", "ref": v.provider_ref, "nonce": "n1", "timestamp": "1", "sign": "x"},
    )
    assert response.status_code == 403 and "签名无效" in text(response)
    v.refresh_from_db()
    assert v.status == Verification.Status.STARTED


def test_verified_owner_sees_it_on_the_page(client, world):
    client.force_login(world["zhang"])
    page = text(client.get(VERIFY))
    assert "您已完成身份验证" in page and "张*" in page
