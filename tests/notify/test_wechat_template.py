"""WeChat template messages (identity/wechat.py ``TemplateSender``) against a local server playing
api.weixin.qq.com: the stable access token fetched once and cached, a token WeChat rejects
replaced once, answers that mean "this person cannot be reached" told apart from outages, and
the outbox falling back to SMS for such a person."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from django.core.cache import cache
from django.db import transaction

from ownervote.identity.accounts import owner_account_for_mobile
from ownervote.identity.models import SentSms, WeChatAccount
from ownervote.identity.wechat import TemplateError, TemplateMessage, TemplateSender
from ownervote.notify.models import OutboxMessage
from ownervote.notify.services import notify
from ownervote.notify.testing import run_worker
from tests.identity.fakeserver import Received, fake_server

APP_ID, SECRET = "wx520c15f417810387", "app-secret-for-tests"


class FakeWeixin:
    """POST /cgi-bin/stable_token and /cgi-bin/message/template/send as documented."""

    def __init__(self):
        self.tokens = 0
        self.valid: set[str] = set()
        self.sent: list[dict] = []
        self.answer: dict | None = None  # forced answer to the next send

    def __call__(self, got: Received) -> tuple[int, dict]:
        url = urllib.parse.urlsplit(got.path)
        body = json.loads(got.body or b"{}")
        if got.method != "POST":
            return 405, {"errcode": -1, "errmsg": "system error"}
        if url.path == "/cgi-bin/stable_token":
            if body != {
                "grant_type": "client_credential",
                "appid": APP_ID,
                "secret": SECRET,
                "force_refresh": False,
            }:
                return 200, {"errcode": 40125, "errmsg": "invalid appsecret"}
            self.tokens += 1
            token = f"TOKEN-{self.tokens}"
            self.valid = {token}
            return 200, {"access_token": token, "expires_in": 7200}
        if url.path == "/cgi-bin/message/template/send":
            token = dict(urllib.parse.parse_qsl(url.query)).get("access_token")
            if token not in self.valid:
                return 200, {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
            if self.answer is not None:
                answer, self.answer = self.answer, None
                return 200, answer
            self.sent.append(body)
            return 200, {"errcode": 0, "errmsg": "ok", "msgid": 200228332 + len(self.sent)}
        return 404, {"errcode": -1, "errmsg": "system error"}


@pytest.fixture
def weixin(settings):
    cache.clear()
    service = FakeWeixin()
    with fake_server(service) as server:
        settings.OWNERVOTE_WECHAT = {
            **settings.OWNERVOTE_WECHAT,
            "app_id": APP_ID,
            "app_secret": SECRET,
            "api_base": server.url,
            "template_backend": "ownervote.identity.wechat.TemplateSender",
            "notice_template_id": "TPL-notice",
        }
        service.url = server.url
        yield service
    cache.clear()


def _sender(weixin) -> TemplateSender:
    return TemplateSender(app_id=APP_ID, app_secret=SECRET, api_base=weixin.url)


MESSAGE = TemplateMessage(
    openid="o-zhang",
    template_id="TPL-notice",
    data={"thing1": "业主大会会议通知", "time3": "2025年6月1日 10:00"},
    url="https://vote.example.cn/m/meetings/1/",
    client_msg_id="ownervote-1",
)


def test_message_is_sent_as_documented_with_one_cached_token(weixin):
    sender = _sender(weixin)
    assert sender.send(MESSAGE) == "200228333"
    assert sender.send(MESSAGE) == "200228334"
    assert weixin.tokens == 1  # the token is fetched once and kept
    assert weixin.sent[0] == {
        "touser": "o-zhang",
        "template_id": "TPL-notice",
        "url": "https://vote.example.cn/m/meetings/1/",
        "client_msg_id": "ownervote-1",
        "data": {"thing1": {"value": "业主大会会议通知"}, "time3": {"value": "2025年6月1日 10:00"}},
    }


def test_a_rejected_token_is_replaced_once(weixin):
    sender = _sender(weixin)
    sender.send(MESSAGE)
    weixin.valid = set()  # WeChat no longer accepts the cached token
    assert sender.send(MESSAGE)
    assert weixin.tokens == 2 and len(weixin.sent) == 2


def test_unreachable_person_is_permanent_and_an_outage_is_not(weixin):
    sender = _sender(weixin)
    weixin.answer = {"errcode": 43004, "errmsg": "require subscribe"}
    with pytest.raises(TemplateError) as info:
        sender.send(MESSAGE)
    assert (info.value.code, info.value.permanent) == ("43004", True)
    weixin.answer = {"errcode": -1, "errmsg": "system error"}
    with pytest.raises(TemplateError) as info:
        sender.send(MESSAGE)
    assert (info.value.code, info.value.permanent) == ("-1", False)
    with pytest.raises(TemplateError) as info:
        TemplateSender(app_id=APP_ID, app_secret=SECRET, api_base="http://127.0.0.1:9").send(MESSAGE)
    assert info.value.code == "network" and not info.value.permanent
    assert weixin.sent == []


@pytest.mark.django_db
def test_outbox_sends_by_wechat_and_falls_back_to_sms_for_who_unfollowed(weixin):  # R-VOTE-2
    zhang = owner_account_for_mobile("13900000001")
    li = owner_account_for_mobile("13900000002")
    WeChatAccount.objects.create(user=zhang, app_id=APP_ID, openid="o-zhang")
    WeChatAccount.objects.create(user=li, app_id=APP_ID, openid="o-li")
    with transaction.atomic():
        notify(users=[zhang], kind="vote.reminder", title="请投票", body="正文", sms=True, event="r:1")
    run_worker()
    assert OutboxMessage.objects.get(user=zhang, channel="wechat").status == "sent"
    assert [m["touser"] for m in weixin.sent] == ["o-zhang"]

    weixin.answer = {"errcode": 43004, "errmsg": "require subscribe rid: 1"}
    with transaction.atomic():
        notify(users=[li], kind="vote.reminder", title="请投票", body="正文", sms=True, event="r:1")
    run_worker()
    failed = OutboxMessage.objects.get(user=li, channel="wechat")
    assert (failed.status, failed.attempts) == ("failed", 1) and "43004" in failed.last_error
    assert OutboxMessage.objects.get(user=li, channel="sms", event="r:1").status == "sent"
    assert SentSms.objects.filter(mobile_hash=li.mobile_hash, ok=True).count() == 1
    assert not SentSms.objects.filter(mobile_hash=zhang.mobile_hash).exists()
