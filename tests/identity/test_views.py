"""The owner sign-in page (/m/login/): mobile, 获取验证码, code, 登录; plain forms, in Chinese."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ownervote.identity.accounts import find_by_mobile
from ownervote.identity.models import SentSms

from .helpers import last_code, other_code

pytestmark = pytest.mark.django_db

LOGIN = "/m/login/"
MOBILE = "13900000001"


def _send(client, mobile=MOBILE, **extra):
    return client.post(LOGIN, {"mobile": mobile, "action": "send", **extra})


def test_url_names():
    assert reverse("identity:login") == LOGIN
    assert reverse("identity:logout") == "/m/logout/"
    assert reverse("identity:wechat_start") == "/m/wechat/start/"
    assert reverse("identity:wechat_callback") == "/m/wechat/callback/"


def test_sign_in_with_a_code_from_the_page(client):  # R-ID-1
    page = client.get(LOGIN, {"next": "/m/inbox/"})
    html = page.content.decode()
    assert page.status_code == 200 and "业主登录" in html and "获取验证码" in html
    assert 'name="code"' not in html and 'value="/m/inbox/"' in html

    page = _send(client, next="/m/inbox/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "验证码已发送至 139****0001" in html and 'name="code"' in html and ">登录<" in html
    assert SentSms.objects.get().template == "sign_in_code"
    assert MOBILE in html  # the number stays in its field for the second step

    code = last_code(MOBILE)
    response = client.post(LOGIN, {"mobile": MOBILE, "code": code, "action": "sign_in", "next": "/m/inbox/"})
    assert response.status_code == 302 and response["Location"] == "/m/inbox/"
    user = find_by_mobile(MOBILE)
    assert int(client.session["_auth_user_id"]) == user.pk
    # Signed in, the sign-in page sends the owner on.
    assert client.get(LOGIN).status_code == 302


def test_unsafe_next_is_ignored(client):  # R-SEC-1
    _send(client)
    response = client.post(
        LOGIN,
        {"mobile": MOBILE, "code": last_code(MOBILE), "action": "sign_in", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/m/"


def test_bad_mobile_is_shown_in_chinese(client):  # R-ID-1
    page = _send(client, mobile="12345")
    assert page.status_code == 422
    assert "请输入正确的手机号（以 1 开头的 11 位数字）。" in page.content.decode()
    assert not SentSms.objects.exists()


def test_wrong_code_is_shown_and_the_form_stays(client):  # R-ID-1
    _send(client)
    page = client.post(LOGIN, {"mobile": MOBILE, "code": other_code(last_code(MOBILE)), "action": "sign_in"})
    html = page.content.decode()
    assert page.status_code == 422
    assert "验证码不正确，还可以再试 4 次。" in html and 'name="code"' in html
    assert "_auth_user_id" not in client.session


def test_too_soon_is_shown_with_the_wait(client):  # R-ID-1
    _send(client)
    page = _send(client, step="code")
    html = page.content.decode()
    assert page.status_code == 429 and "验证码刚刚已发送" in html and "秒后可重新获取" in html
    assert 'name="code"' in html
    assert SentSms.objects.count() == 1


def test_asking_again_too_soon_keeps_the_code_field(client):  # R-ID-1, issue 22 item 9
    """A second "获取验证码" within the resend gap from the first step (a double tap, the back
    button): the code already sent is still valid, so the code field is there and the wait is
    told as text, not as an error."""
    _send(client)
    page = _send(client)  # no step=code: the first step's button again
    html = page.content.decode()
    assert page.status_code == 429
    assert 'name="code"' in html and 'name="step" value="code"' in html
    assert 'id="code-wait"' in html and "秒后可重新获取" in html and "请在下面填写" in html
    assert 'role="alert"' not in html
    assert SentSms.objects.count() == 1
    response = client.post(LOGIN, {"mobile": MOBILE, "code": last_code(MOBILE), "action": "sign_in"})
    assert response.status_code == 302


def test_logout_is_post_only(client):
    _send(client)
    client.post(LOGIN, {"mobile": MOBILE, "code": last_code(MOBILE), "action": "sign_in"})
    assert client.get("/m/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/m/logout/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_wechat_button_only_when_enabled(client, settings):
    assert "微信登录" not in client.get(LOGIN).content.decode()
    settings.OWNERVOTE_WECHAT = {
        **settings.OWNERVOTE_WECHAT,
        "app_id": "wx0123456789abcdef",
        "app_secret": "s",
    }
    html = client.get(LOGIN, {"next": "/m/inbox/"}).content.decode()
    assert "微信登录" in html and "/m/wechat/start/?next=/m/inbox/" in html


def test_owner_pages_send_strangers_here(client):
    response = client.get("/m/inbox/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN + "?next=")


def test_client_address_behind_trusted_proxies(client, settings):  # R-ID-1 (per-address limits)
    from django.test import RequestFactory

    from ownervote.core.clientip import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_ip(request) == "10.0.0.2"
    settings.OWNERVOTE_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.7"
    settings.OWNERVOTE_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(request) is None
