"""/api/auth/: a code by SMS, a session for it, and sign-out; errors in the shared shape."""

from __future__ import annotations

import pytest
from django.test import Client

from ownervote.identity.accounts import find_by_mobile

from .helpers import last_code, other_code

pytestmark = pytest.mark.django_db

MOBILE = "13900000001"


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_request_code_then_sign_in_then_out(client, settings):  # R-ID-1
    response = post(client, "/api/auth/sms-codes", {"mobile": MOBILE, "purpose": "sign_in"})
    assert response.status_code == 201
    body = response.json()
    assert body["resend_after"] == settings.OWNERVOTE_SMS_RESEND_SECONDS
    assert (
        settings.OWNERVOTE_SMS_CODE_TTL_SECONDS - 2
        <= body["expires_in"]
        <= settings.OWNERVOTE_SMS_CODE_TTL_SECONDS
    )

    response = post(client, "/api/auth/sign-in", {"mobile": MOBILE, "code": last_code(MOBILE)})
    assert response.status_code == 200
    user = find_by_mobile(MOBILE)
    assert response.json() == {"id": user.pk, "mobile_masked": "139****0001", "verified": False}
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get("/api/me").status_code == 200

    response = client.post("/api/auth/sign-out")
    assert response.status_code == 200 and response.json() == {"signed_out": True}
    assert client.get("/api/me").status_code == 401


def test_verified_flag(client, owner_world):  # R-ID-1
    from ownervote.core import crypto

    mobile = crypto.decrypt_text(owner_world["zhang"].mobile_enc)
    post(client, "/api/auth/sms-codes", {"mobile": mobile})
    response = post(client, "/api/auth/sign-in", {"mobile": mobile, "code": last_code(mobile)})
    assert response.json()["verified"] is True and response.json()["id"] == owner_world["zhang"].pk


def test_errors(client):  # R-ID-1
    response = post(client, "/api/auth/sms-codes", {"mobile": "123"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "sms.bad_mobile"
    assert response.json()["error"]["message"] == "请输入正确的手机号（以 1 开头的 11 位数字）。"

    assert post(client, "/api/auth/sms-codes", {"mobile": MOBILE, "purpose": "marketing"}).status_code == 422

    post(client, "/api/auth/sms-codes", {"mobile": MOBILE})
    response = post(client, "/api/auth/sms-codes", {"mobile": MOBILE})
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "sms.too_many" and 0 < error["details"]["retry_after"] <= 60

    response = post(client, "/api/auth/sign-in", {"mobile": MOBILE, "code": other_code(last_code(MOBILE))})
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "sms.wrong_code",
        "message": "验证码不正确，还可以再试 4 次。",
        "details": {"attempts_left": 4},
    }
    assert "_auth_user_id" not in client.session


def test_locked_code_is_423(client, settings):  # R-ID-1
    settings.OWNERVOTE_SMS_CODE_MAX_ATTEMPTS = 1
    post(client, "/api/auth/sms-codes", {"mobile": MOBILE})
    code = last_code(MOBILE)
    assert post(client, "/api/auth/sign-in", {"mobile": MOBILE, "code": other_code(code)}).status_code == 423
    response = post(client, "/api/auth/sign-in", {"mobile": MOBILE, "code": code})
    assert response.status_code == 423 and response.json()["error"]["code"] == "sms.locked"


def test_english_on_request(client):
    response = client.post(
        "/api/auth/sms-codes", {"mobile": "1"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (
        response.json()["error"]["message"]
        == "Enter a valid mainland mobile number (11 digits, starting with 1)."
    )


def test_only_json_bodies_are_accepted(client):  # R-SEC-1 (no sign-in from another site's form)
    post(client, "/api/auth/sms-codes", {"mobile": MOBILE})
    body = f'{{"mobile": "{MOBILE}", "code": "{last_code(MOBILE)}"}}'
    response = client.post("/api/auth/sign-in", body, content_type="text/plain")
    assert response.status_code == 415 and response.json()["error"]["code"] == "auth.json_required"
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_csrf_with_a_session(db):
    client = Client(enforce_csrf_checks=True)
    post(client, "/api/auth/sms-codes", {"mobile": MOBILE})
    assert post(client, "/api/auth/sign-in", {"mobile": MOBILE, "code": last_code(MOBILE)}).status_code == 200
    response = client.post("/api/auth/sign-out")
    assert response.status_code == 403 and response.json()["error"]["code"] == "auth.csrf_failed"
    token = client.cookies["csrftoken"].value
    assert client.post("/api/auth/sign-out", HTTP_X_CSRFTOKEN=token).status_code == 200


def test_per_address_limit_uses_the_client_address(settings):  # R-ID-1
    settings.OWNERVOTE_SMS_PER_IP_PER_HOUR = 2
    a = Client(REMOTE_ADDR="203.0.113.1")
    b = Client(REMOTE_ADDR="203.0.113.2")
    assert post(a, "/api/auth/sms-codes", {"mobile": "13900000011"}).status_code == 201
    assert post(a, "/api/auth/sms-codes", {"mobile": "13900000012"}).status_code == 201
    assert post(a, "/api/auth/sms-codes", {"mobile": "13900000013"}).status_code == 429
    assert post(b, "/api/auth/sms-codes", {"mobile": "13900000013"}).status_code == 201
