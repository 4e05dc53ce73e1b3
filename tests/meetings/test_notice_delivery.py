"""Delivery reports (R-MTG-10): which notice reached which owner's handset, by which channel and at
the provider's time. Alibaba Cloud SMS is asked (QuerySendDetails, signed by us); WeChat pushes
TEMPLATESENDJOBFINISH to the account's address, signed with the account's token; the development
providers deliver at once. A failed report records no delivery; a forged push changes nothing; a
duplicate is idempotent; an unknown message id is ignored."""

from __future__ import annotations

import datetime as dt
import secrets
import urllib.parse
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from ownervote.audit.models import AuditEvent
from ownervote.core import crypto
from ownervote.identity.models import WeChatAccount
from ownervote.identity.sms.aliyun import AliyunSmsBackend
from ownervote.identity.wechat import ConsoleTemplateSender, event_signature
from ownervote.meetings import served
from ownervote.meetings.models import NoticeService
from ownervote.meetings.services import service
from ownervote.notify import receipts
from ownervote.notify.models import OutboxMessage
from ownervote.notify.testing import run_worker
from ownervote.results.texts import service_label
from ownervote.verify.archive import _service_problem
from tests.identity.fakeserver import fake_server
from tests.identity.test_sms_aliyun import KEY_ID, SECRET, SIGN_NAME, TEMPLATES
from tests.identity.test_sms_query import FakeQuery

C = NoticeService.Channel
D = OutboxMessage.Delivery
BEIJING = ZoneInfo("Asia/Shanghai")
EVENTS = "/api/notifications/wechat/events"


class OfflineAliyun(AliyunSmsBackend):
    """Alibaba Cloud as configured in production, except that SendSms answers here (its request is
    tested in tests/identity/test_sms_aliyun.py); QuerySendDetails goes to the fake server."""

    def send(self, message):
        return f"biz-{message.out_id}"


class SilentTemplateSender(ConsoleTemplateSender):
    """The console WeChat sender without its at-once delivery: the report must come from WeChat."""

    reports_at_once = False


@pytest.fixture
def aliyun(settings):
    def configure(url: str):
        settings.OWNERVOTE_SMS_BACKEND = f"{__name__}.OfflineAliyun"
        settings.OWNERVOTE_SMS_OPTIONS = {
            "access_key_id": KEY_ID,
            "access_key_secret": SECRET,
            "sign_name": SIGN_NAME,
            "endpoint": url,
            "templates": TEMPLATES,
        }

    return configure


@pytest.fixture
def wechat(settings):
    settings.OWNERVOTE_WECHAT = {
        **settings.OWNERVOTE_WECHAT,
        "app_id": "wx-test",
        "notice_template_id": "TPL-notice",
        "template_backend": f"{__name__}.SilentTemplateSender",
    }
    ConsoleTemplateSender.reset()
    yield settings
    ConsoleTemplateSender.reset()


def _records(meeting, **filters) -> list[NoticeService]:
    return list(NoticeService.objects.filter(meeting=meeting, **filters).order_by("id"))


def _sms(user) -> OutboxMessage:
    return OutboxMessage.objects.select_related("sms").get(user=user, channel="sms", kind="meeting.published")


def _detail(message: OutboxMessage, *, status: int, received: dt.datetime, code: str) -> dict:
    """One QuerySendDetails record of ``message``, as Alibaba Cloud answers it."""
    return {
        "PhoneNum": crypto.decrypt_text(message.sms.mobile_enc),
        "SendStatus": status,
        "ErrCode": code,
        "TemplateCode": TEMPLATES["notice"],
        "Content": "【业主大会投票】您有一条新消息",
        "SendDate": timezone.localtime(message.sms.sent_at, BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        "ReceiveDate": received.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        "OutId": str(message.sms_id),
    }


def test_the_development_providers_deliver_at_once(owner_world, make_meeting):  # R-MTG-10
    """The console SMS backend of ``make run`` reports delivery as it sends, so the demo shows
    delivered notices; the accepted record stays beside the delivered one."""
    meeting = make_meeting(25, "published")
    run_worker()
    message = _sms(owner_world["zhang"])
    assert message.delivery == D.DELIVERED and message.delivered_at >= message.sent_at
    flat = owner_world["flats"]["1栋-101"]
    channels = {r.channel for r in _records(meeting, flat=flat, user=owner_world["zhang"])}
    assert channels == {C.SMS_SENT, C.SMS_DELIVERED}
    assert served.first_service(meeting)[flat.pk].channel == C.SMS_DELIVERED
    assert service.sync(meeting) == 0


def test_aliyun_delivery_report_records_the_providers_time(owner_world, aliyun, make_meeting):  # R-MTG-10
    """QuerySendDetails: SendStatus 3 is delivered at its ReceiveDate (Beijing); 2 failed records no
    delivery; 1 (awaiting) nothing yet. Asking again changes nothing."""
    fake = FakeQuery({})
    with fake_server(fake) as server:
        aliyun(server.url)
        meeting = make_meeting(25, "published")
        run_worker()
        zhang, li = _sms(owner_world["zhang"]), _sms(owner_world["li"])
        assert zhang.delivery == li.delivery == D.ACCEPTED and zhang.provider_ref == f"biz-{zhang.sms_id}"
        assert not _records(meeting, channel=C.SMS_DELIVERED)
        received = (zhang.sent_at + dt.timedelta(seconds=7)).replace(microsecond=0)
        day = timezone.localtime(zhang.sms.sent_at, BEIJING).strftime("%Y%m%d")
        fake.records[day] = [
            _detail(zhang, status=3, received=received, code="DELIVERED"),
            _detail(li, status=2, received=received, code="MK:0001"),
        ]
        assert receipts.poll_sms() == {"asked": 2, "recorded": 2}
        zhang.refresh_from_db()
        li.refresh_from_db()
        assert (zhang.delivery, zhang.delivered_at, zhang.delivery_code) == (
            D.DELIVERED,
            received,
            "DELIVERED",
        )
        assert (li.delivery, li.delivery_code) == (D.FAILED, "MK:0001")
        (row,) = _records(meeting, channel=C.SMS_DELIVERED)
        assert row.at == received and row.user == owner_world["zhang"]
        assert row.flat == owner_world["flats"]["1栋-101"] and row.reference == f"outbox:{zhang.pk}"
        # li's failed report: the acceptance stays the only record of li's flat.
        li_rows = _records(meeting, user=owner_world["li"])
        assert [r.channel for r in li_rows] == [C.SMS_SENT]
        assert served.first_service(meeting)[li_rows[0].flat_id].channel == C.SMS_SENT
        assert AuditEvent.objects.filter(action="notify.delivered", object_id=str(zhang.pk)).count() == 1
        assert AuditEvent.objects.filter(action="notify.not_delivered", object_id=str(li.pk)).count() == 1
        # Asked again (the same report): nothing new. Those already reported are not asked.
        assert receipts.poll_sms() == {"asked": 0, "recorded": 0}
        assert len(_records(meeting, channel=C.SMS_DELIVERED)) == 1


def _push(body: bytes = b"", *, token: str = "", method: str = "post", nonce: str = "", **extra):
    stamp = str(int(timezone.now().timestamp()))
    nonce = nonce or secrets.token_hex(8)
    token = token or settings.OWNERVOTE_WECHAT["token"]
    query = {"signature": event_signature(token=token, timestamp=stamp, nonce=nonce), "timestamp": stamp}
    query |= {"nonce": nonce, **extra}
    url = f"{EVENTS}?{urllib.parse.urlencode(query)}"
    if method == "get":
        return Client().get(url)
    return Client().post(url, body, content_type="text/xml")


def _finish_event(msgid: str, openid: str, status: str, at: dt.datetime) -> bytes:
    return (
        "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{int(at.timestamp())}</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event>"
        f"<MsgID>{msgid}</MsgID><Status><![CDATA[{status}]]></Status></xml>"
    ).encode()


@pytest.fixture
def wechat_notice(owner_world, wechat, make_meeting):
    WeChatAccount.objects.create(user=owner_world["zhang"], app_id="wx-test", openid="o-zhang")
    WeChatAccount.objects.create(user=owner_world["li"], app_id="wx-test", openid="o-li")
    meeting = make_meeting(25, "published")
    run_worker()
    zhang = OutboxMessage.objects.get(user=owner_world["zhang"], channel="wechat", kind="meeting.published")
    li = OutboxMessage.objects.get(user=owner_world["li"], channel="wechat", kind="meeting.published")
    assert zhang.delivery == li.delivery == D.ACCEPTED and zhang.provider_ref
    return meeting, zhang, li


def test_wechat_templatesendjobfinish_records_the_delivery(owner_world, wechat_notice):  # R-MTG-10
    meeting, zhang, _li = wechat_notice
    at = (timezone.now() + dt.timedelta(seconds=3)).replace(microsecond=0)
    response = _push(_finish_event(zhang.provider_ref, "o-zhang", "success", at))
    assert response.status_code == 200 and response.content == b"success"
    zhang.refresh_from_db()
    assert (zhang.delivery, zhang.delivered_at, zhang.delivery_code) == (D.DELIVERED, at, "success")
    (row,) = _records(meeting, channel=C.WECHAT_DELIVERED)
    assert (
        row.at == at and row.flat == owner_world["flats"]["1栋-101"] and row.reference == f"outbox:{zhang.pk}"
    )
    assert _records(meeting, channel=C.WECHAT_SENT, user=owner_world["zhang"])  # both facts kept
    assert served.first_service(meeting)[row.flat_id] == row
    # WeChat pushes it again (a retry): idempotent.
    again = _push(_finish_event(zhang.provider_ref, "o-zhang", "success", at + dt.timedelta(seconds=9)))
    assert again.status_code == 200
    zhang.refresh_from_db()
    assert zhang.delivered_at == at and len(_records(meeting, channel=C.WECHAT_DELIVERED)) == 1
    assert AuditEvent.objects.filter(action="notify.delivered", object_id=str(zhang.pk)).count() == 1


def test_wechat_user_block_records_no_delivery(owner_world, wechat_notice):  # R-MTG-10
    meeting, _zhang, li = wechat_notice
    for status in ("failed:user block", "success"):  # the first final report wins
        assert _push(_finish_event(li.provider_ref, "o-li", status, timezone.now())).status_code == 200
    li.refresh_from_db()
    assert (li.delivery, li.delivery_code) == (D.FAILED, "failed:user block")
    assert not _records(meeting, channel=C.WECHAT_DELIVERED)


@pytest.mark.parametrize(
    "forge",
    ["wrong token", "stale timestamp", "no signature", "non-ASCII signature", "nonce replayed elsewhere"],
)
def test_a_forged_push_is_refused_and_changes_nothing(forge, owner_world, wechat_notice):  # R-MTG-10
    meeting, zhang, _li = wechat_notice
    body = _finish_event(zhang.provider_ref, "o-zhang", "success", timezone.now())
    if forge == "wrong token":
        response = _push(body, token="not-the-token")
    elif forge == "stale timestamp":
        stamp = str(int((timezone.now() - dt.timedelta(minutes=6)).timestamp()))
        token = settings.OWNERVOTE_WECHAT["token"]
        sig = event_signature(token=token, timestamp=stamp, nonce="n1")
        response = Client().post(
            f"{EVENTS}?signature={sig}&timestamp={stamp}&nonce=n1", body, content_type="text/xml"
        )
    elif forge == "non-ASCII signature":
        url = f"{EVENTS}?signature=签名&timestamp=时间&nonce=随机"  # the fuzzer's 500, now a 403
        response = Client().post(url, body, content_type="text/xml")
    elif forge == "no signature":
        response = Client().post(EVENTS, body, content_type="text/xml")
    else:
        assert _push(b"<xml><MsgType>text</MsgType></xml>", nonce="seen-once").status_code == 200
        response = _push(body, nonce="seen-once")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "notification.bad_signature"
    zhang.refresh_from_db()
    assert zhang.delivery == D.ACCEPTED and zhang.delivered_at is None
    assert not _records(meeting, channel=C.WECHAT_DELIVERED)


def test_unknown_or_foreign_message_ids_are_ignored(owner_world, wechat_notice, caplog):  # R-MTG-10
    meeting, zhang, _li = wechat_notice
    for msgid, openid in (("999999999", "o-zhang"), (zhang.provider_ref, "o-somebody-else")):
        response = _push(_finish_event(msgid, openid, "success", timezone.now()))
        assert response.status_code == 200 and response.content == b"success"
    assert "delivery report for no message of ours" in caplog.text
    zhang.refresh_from_db()
    assert zhang.delivery == D.ACCEPTED
    assert not _records(meeting, channel=C.WECHAT_DELIVERED)


def test_the_address_check_and_other_events(wechat_notice):  # R-MTG-10
    assert _push(method="get", echostr="abc123").content == b"abc123"
    subscribe = b"<xml><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>"
    assert _push(subscribe).content == b"success"
    entity = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><xml><MsgType>&a;</MsgType></xml>'
    assert _push(entity).content == b"success"  # refused unread, answered so WeChat stops


def test_the_archive_and_the_table_know_the_delivered_channels():  # R-MTG-10
    entry = {
        "flat": "F-4ce4339afcde5374",
        "channel": "sms_delivered",
        "version": 1,
        "at": "2027-03-02 18:40",
        "warning_shown": False,
        "place": "",
        "photo": "",
    }
    assert _service_problem(entry) == ""
    assert _service_problem({**entry, "channel": "wechat_delivered"}) == ""
    assert _service_problem({**entry, "channel": "sms_bounced"}) == "channel"
    assert service_label("sms_delivered", "2027-03-02 18:40") == "短信已送达 2027-03-02 18:40"
    assert service_label("wechat_sent") == "微信已发出"
