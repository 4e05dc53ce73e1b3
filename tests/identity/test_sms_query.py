"""Asking the SMS provider whether it got a message (``check_sent``), which the outbox does for a
send whose worker died: Alibaba Cloud's QuerySendDetails, signed and paged as documented, matched
on our OutId; the console backend answers from its own record."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from zoneinfo import ZoneInfo

import pytest

from ownervote.identity.models import SentSms
from ownervote.identity.sms import SmsError, check_sent, record_sms, send_sms
from ownervote.identity.sms.aliyun import AliyunSmsBackend
from ownervote.identity.sms.backends import ConsoleBackend

from .fakeserver import Received, fake_server
from .test_sms_aliyun import KEY_ID, SECRET, SIGN_NAME, TEMPLATES, _independent_signature

BEIJING = ZoneInfo("Asia/Shanghai")
MOBILE = "13900000001"
QUERY_REQUIRED = {
    "AccessKeyId", "Action", "Format", "RegionId", "SignatureMethod", "SignatureNonce", "SignatureVersion",
    "Timestamp", "Version", "Signature", "PhoneNumber", "SendDate", "PageSize", "CurrentPage",
}  # fmt: skip


class FakeQuery:
    """QuerySendDetails as documented: one number, one day, pages of at most 50 records."""

    def __init__(self, records: dict[str, list[dict]]):
        self.records = records  # SendDate -> records of that day, oldest first
        self.asked: list[dict[str, str]] = []

    def __call__(self, got: Received) -> tuple[int, dict]:
        params = dict(urllib.parse.parse_qsl(got.body.decode(), keep_blank_values=True))
        self.asked.append(params)
        missing = QUERY_REQUIRED - set(params)
        if got.method != "POST" or missing:
            return 400, {"Code": "MissingParameter", "Message": f"missing {sorted(missing)}"}
        if params["Signature"] != _independent_signature("POST", params, SECRET):
            return 400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched."}
        if params["Action"] != "QuerySendDetails" or params["Version"] != "2017-05-25":
            return 400, {"Code": "InvalidParameter", "Message": "unexpected action"}
        size, page = int(params["PageSize"]), int(params["CurrentPage"])
        if not 1 <= size <= 50:
            return 200, {"Code": "isv.INVALID_PARAMETERS", "Message": "PageSize 1~50"}
        day = [r for r in self.records.get(params["SendDate"], []) if r["PhoneNum"] == params["PhoneNumber"]]
        return 200, {
            "Code": "OK",
            "Message": "OK",
            "RequestId": "819BE656-D2E0-4858-8B21",
            "TotalCount": len(day),
            "SmsSendDetailDTOs": {"SmsSendDetailDTO": day[(page - 1) * size : page * size]},
        }


def _record(out_id: str, *, status: int = 3) -> dict:
    return {
        "PhoneNum": MOBILE,
        "SendStatus": status,
        "ErrCode": "DELIVERED",
        "TemplateCode": "SMS_900003",
        "Content": "【业主大会投票】您有一条新消息",
        "SendDate": "2025-06-01 10:00:00",
        "ReceiveDate": "2025-06-01 10:00:05",
        "OutId": out_id,
    }


def _backend(url: str) -> AliyunSmsBackend:
    return AliyunSmsBackend(
        access_key_id=KEY_ID, access_key_secret=SECRET, sign_name=SIGN_NAME, endpoint=url, templates=TEMPLATES
    )


def test_query_finds_our_out_id_on_a_later_page():
    records = {"20250601": [_record(str(n)) for n in range(1, 61)]}  # 60 messages that day
    with fake_server(FakeQuery(records)) as server:
        backend = _backend(server.url)
        sent_at = dt.datetime(2025, 6, 1, 10, 0, tzinfo=BEIJING)
        assert backend.check_sent(out_id="57", mobile=MOBILE, sent_at=sent_at) is True
        asked = server_params(server)
        assert [(p["SendDate"], p["CurrentPage"], p["PageSize"]) for p in asked] == [
            ("20250601", "1", "50"),
            ("20250601", "2", "50"),
        ]
        assert asked[0]["PhoneNumber"] == MOBILE and "OutId" not in asked[0]
        # One the provider never got: every page read, then "no".
        assert backend.check_sent(out_id="999", mobile=MOBILE, sent_at=sent_at) is False


def test_a_failed_delivery_still_means_the_provider_took_it():
    """SendStatus 2 (the carrier failed to deliver) is still a message the provider took: sending
    it again is not ours to decide after a crash."""
    with fake_server(FakeQuery({"20250601": [_record("5", status=2)]})) as server:
        sent_at = dt.datetime(2025, 6, 1, 9, 0, tzinfo=BEIJING)
        assert _backend(server.url).check_sent(out_id="5", mobile=MOBILE, sent_at=sent_at) is True


def test_the_day_is_beijings_and_a_send_before_midnight_looks_at_the_next_day():
    records = {"20250602": [_record("8")]}
    with fake_server(FakeQuery(records)) as server:
        backend = _backend(server.url)
        # 15:55 UTC is 23:55 in Beijing: the record may carry the next day's date.
        sent_at = dt.datetime(2025, 6, 1, 15, 55, tzinfo=dt.UTC)
        assert backend.check_sent(out_id="8", mobile=MOBILE, sent_at=sent_at) is True
        assert [p["SendDate"] for p in server_params(server)] == ["20250601", "20250602"]
        # 02:00 UTC is 10:00 in Beijing, the same day: one day asked.
        server.received.clear()
        assert backend.check_sent(
            out_id="8", mobile=MOBILE, sent_at=dt.datetime(2025, 6, 2, 2, 0, tzinfo=dt.UTC)
        )
        assert [p["SendDate"] for p in server_params(server)] == ["20250602"]


def test_a_query_the_provider_refuses_is_an_error_not_a_no():
    with fake_server(FakeQuery({})) as server:
        backend = AliyunSmsBackend(
            access_key_id=KEY_ID, access_key_secret="wrong", sign_name=SIGN_NAME, endpoint=server.url
        )
        with pytest.raises(SmsError) as info:
            backend.check_sent(out_id="1", mobile=MOBILE, sent_at=dt.datetime.now(dt.UTC))
    assert info.value.code == "SignatureDoesNotMatch"
    with pytest.raises(SmsError) as info:
        _backend("http://127.0.0.1:9/").check_sent(out_id="1", mobile=MOBILE, sent_at=dt.datetime.now(dt.UTC))
    assert info.value.code == "network"


@pytest.mark.django_db
def test_console_backend_answers_from_its_own_record():
    sent = send_sms(mobile=MOBILE, template="notice", params={"title": "通知"})
    assert ConsoleBackend().check_sent(out_id=str(sent.pk), mobile=MOBILE, sent_at=sent.sent_at) is True
    # A row written but never handed over (the sender died first): the provider has no record.
    lost = record_sms(mobile=MOBILE, template="notice", params={"title": "通知"})
    assert not lost.ok and lost.provider_ref == ""
    assert check_sent(lost) is False
    assert ConsoleBackend().check_sent(out_id="424242", mobile=MOBILE, sent_at=sent.sent_at) is None


@pytest.mark.django_db
def test_console_record_survives_a_sender_that_died_after_the_send(monkeypatch):
    """The provider took it; the sender died before it wrote ``ok``: the answer is still yes."""
    row = record_sms(mobile=MOBILE, template="notice", params={"title": "通知"})
    from ownervote.identity.sms import SmsMessage

    ConsoleBackend().send(
        SmsMessage(mobile=MOBILE, template="notice", params={"title": "通知"}, out_id=str(row.pk))
    )
    row.refresh_from_db()
    assert not row.ok and row.provider_ref.startswith("console-")
    assert check_sent(row) is True


@pytest.mark.django_db
def test_a_row_from_another_backend_is_not_asked(settings):
    row = record_sms(mobile=MOBILE, template="notice", params={"title": "通知"})
    SentSms.objects.filter(pk=row.pk).update(backend="some.other.Backend")
    row.refresh_from_db()
    assert check_sent(row) is None


def server_params(server) -> list[dict[str, str]]:
    return [dict(urllib.parse.parse_qsl(r.body.decode())) for r in server.received]
