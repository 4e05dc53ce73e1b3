"""WeChat sign-in (official-account web authorisation, snsapi_base) against a local server playing
api.weixin.qq.com: state checked, code exchanged, linked accounts signed in, new ones linked once
by an SMS code."""

from __future__ import annotations

import urllib.parse

import pytest

from ownervote.audit.models import AuditEvent
from ownervote.identity import signin
from ownervote.identity.accounts import find_by_mobile, owner_account_for_mobile
from ownervote.identity.models import WeChatAccount

from .fakeserver import Received, fake_server
from .helpers import last_code

pytestmark = pytest.mark.django_db

APP_ID, APP_SECRET = "wx520c15f417810387", "test-app-secret"
LINKED_OPENID, NEW_OPENID = "oLVPpjqs9BhvzwPj5A-vTYAX3GLc", "oLVPpjkttuyaaaNEWNEWNEW0000"
CODES = {"code-linked": LINKED_OPENID, "code-new": NEW_OPENID}


class FakeWeixin:
    """GET /sns/oauth2/access_token as documented: the token and openid, or errcode/errmsg."""

    def __init__(self):
        self.used: set[str] = set()

    def __call__(self, got: Received) -> tuple[int, dict]:
        url = urllib.parse.urlsplit(got.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if got.method != "GET" or url.path != "/sns/oauth2/access_token":
            return 404, {"errcode": -1, "errmsg": "system error"}
        if query.get("appid") != APP_ID or query.get("secret") != APP_SECRET:
            return 200, {"errcode": 40125, "errmsg": "invalid appsecret, rid: 6569a1b2-0b1c2d3e"}
        if query.get("grant_type") != "authorization_code":
            return 200, {"errcode": 40002, "errmsg": "invalid grant_type"}
        code = query.get("code", "")
        if code in self.used:
            return 200, {"errcode": 40163, "errmsg": "code been used, rid: 6569a1b2-1"}
        if code not in CODES:
            return 200, {"errcode": 40029, "errmsg": "invalid code, rid: 6569a1b2-2"}
        self.used.add(code)
        return 200, {
            "access_token": "ACCESS_TOKEN_" + code,
            "expires_in": 7200,
            "refresh_token": "REFRESH_TOKEN",
            "openid": CODES[code],
            "scope": "snsapi_base",
            "is_snapshotuser": 0,
        }


@pytest.fixture
def weixin(settings):
    service = FakeWeixin()
    with fake_server(service) as server:
        settings.OWNERVOTE_WECHAT = {
            "app_id": APP_ID,
            "app_secret": APP_SECRET,
            "authorize_url": "https://open.weixin.qq.com/connect/oauth2/authorize",
            "api_base": server.url,
        }
        service.server = server
        yield service


@pytest.fixture
def linked_owner(db):
    user = owner_account_for_mobile("13900000001")
    WeChatAccount.objects.create(user=user, app_id=APP_ID, openid=LINKED_OPENID)
    return user


def _start(client, next_url="/m/inbox/") -> str:
    """Follow /m/wechat/start/ and return the state it sent to WeChat."""
    response = client.get("/m/wechat/start/", {"next": next_url})
    assert response.status_code == 302
    location = response["Location"]
    base, _, fragment = location.partition("#")
    assert fragment == "wechat_redirect"
    url = urllib.parse.urlsplit(base)
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://open.weixin.qq.com/connect/oauth2/authorize"
    pairs = urllib.parse.parse_qsl(url.query)
    assert [k for k, _ in pairs] == ["appid", "redirect_uri", "response_type", "scope", "state"]
    query = dict(pairs)
    assert query["appid"] == APP_ID and query["response_type"] == "code" and query["scope"] == "snsapi_base"
    assert query["redirect_uri"] == "http://testserver/m/wechat/callback/"
    assert len(query["state"]) >= 20
    return query["state"]


def test_methods_interface(settings):
    assert [m.name for m in signin.enabled_methods()] == ["sms"]
    settings.OWNERVOTE_WECHAT = {**settings.OWNERVOTE_WECHAT, "app_id": APP_ID}
    assert [m.name for m in signin.enabled_methods()] == ["sms", "wechat"]
    assert str(signin.get("wechat").label) == "微信登录" and signin.is_enabled("wechat")
    assert not signin.is_enabled("alipay")


def test_wechat_pages_do_not_exist_when_off(client):
    assert client.get("/m/wechat/start/").status_code == 404
    assert client.get("/m/wechat/callback/", {"code": "x", "state": "y"}).status_code == 404


def test_linked_wechat_user_is_signed_in(client, weixin, linked_owner):  # R-ID-1
    state = _start(client)
    response = client.get("/m/wechat/callback/", {"code": "code-linked", "state": state})
    assert response.status_code == 302 and response["Location"] == "/m/inbox/"
    assert int(client.session["_auth_user_id"]) == linked_owner.pk
    got = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(weixin.server.received[0].path).query))
    assert got == {
        "appid": APP_ID,
        "secret": APP_SECRET,
        "code": "code-linked",
        "grant_type": "authorization_code",
    }
    assert WeChatAccount.objects.get().last_sign_in_at is not None
    event = AuditEvent.objects.get(action="identity.signed_in")
    assert event.actor == linked_owner and event.summary["method"] == "wechat"


def test_new_wechat_user_links_a_mobile_once(client, weixin):  # R-ID-1
    state = _start(client)
    response = client.get("/m/wechat/callback/", {"code": "code-new", "state": state})
    assert response.status_code == 302 and response["Location"] == "/m/wechat/link/?next=%2Fm%2Finbox%2F"
    assert "_auth_user_id" not in client.session

    page = client.get(response["Location"])
    assert page.status_code == 200 and "绑定手机号" in page.content.decode()
    page = client.post("/m/wechat/link/", {"mobile": "13900000002", "action": "send", "next": "/m/inbox/"})
    assert "验证码已发送至 139****0002" in page.content.decode()
    response = client.post(
        "/m/wechat/link/",
        {"mobile": "13900000002", "code": last_code("13900000002"), "action": "sign_in", "next": "/m/inbox/"},
    )
    assert response.status_code == 302 and response["Location"] == "/m/inbox/"
    user = find_by_mobile("13900000002")
    assert int(client.session["_auth_user_id"]) == user.pk
    link = WeChatAccount.objects.get(openid=NEW_OPENID)
    assert link.user == user and link.app_id == APP_ID
    assert AuditEvent.objects.filter(action="identity.wechat_linked", actor=user).count() == 1

    # Next time WeChat alone signs them in.
    client.post("/m/logout/")
    weixin.used.clear()
    state = _start(client)
    response = client.get("/m/wechat/callback/", {"code": "code-new", "state": state})
    assert response.status_code == 302 and response["Location"] == "/m/inbox/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_state_mismatch_is_refused(client, weixin, linked_owner):  # R-SEC-1
    _start(client)
    response = client.get("/m/wechat/callback/", {"code": "code-linked", "state": "forged-state"})
    assert response.status_code == 400
    assert "登录请求已失效或并非从本站发起" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert weixin.server.received == []  # the code was never even exchanged


def test_callback_without_a_started_sign_in_is_refused(client, weixin, linked_owner):  # R-SEC-1
    response = client.get("/m/wechat/callback/", {"code": "code-linked", "state": "anything"})
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_state_is_single_use(client, weixin, linked_owner):  # R-SEC-1
    state = _start(client)
    client.get("/m/wechat/callback/", {"code": "code-linked", "state": state})
    client.post("/m/logout/")
    response = client.get("/m/wechat/callback/", {"code": "code-linked", "state": state})
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_invalid_code_errcode_40029(client, weixin, linked_owner):
    state = _start(client)
    response = client.get("/m/wechat/callback/", {"code": "stale-code", "state": state})
    html = response.content.decode()
    assert response.status_code == 400 and "微信授权已失效，请重新打开登录页面。" in html
    assert "使用短信验证码登录" in html and "_auth_user_id" not in client.session


def test_other_errcode_is_an_outage(client, weixin, settings, linked_owner):
    settings.OWNERVOTE_WECHAT = {**settings.OWNERVOTE_WECHAT, "app_secret": "wrong"}
    state = _start(client)
    response = client.get("/m/wechat/callback/", {"code": "code-linked", "state": state})
    assert response.status_code == 502
    assert "微信登录失败（40125 invalid appsecret" in response.content.decode()


def test_link_page_needs_a_wechat_user_in_the_session(client, weixin):
    response = client.get("/m/wechat/link/")
    assert response.status_code == 302 and response["Location"] == "/m/login/"
