"""The Alibaba Cloud SMS adapter: the documented signing example reproduced exactly, and a real
HTTP exchange with a local server that checks every request the way the service does."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.parse

import pytest

from ownervote.core.errors import ServiceError
from ownervote.identity.models import SentSms
from ownervote.identity.sms import SmsError, SmsMessage, aliyun, send_sms
from ownervote.identity.sms.aliyun import AliyunSmsBackend

from .fakeserver import Received, fake_server

# --- the documented example -------------------------------------------------------------------
# 阿里云短信服务 "签名机制" (https://help.aliyun.com/document_detail/101343.html, formerly
# https://help.aliyun.com/document_detail/56189.html): AccessKeyId "testId", AccessKeySecret
# "testSecret", and these parameters give the StringToSign and Signature below.
DOC_PARAMS = {
    "AccessKeyId": "testId",
    "Action": "SendSms",
    "Format": "XML",
    "OutId": "123",
    "PhoneNumbers": "15300000001",
    "RegionId": "cn-hangzhou",
    "SignName": "阿里云短信测试专用",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    "SignatureVersion": "1.0",
    "TemplateCode": "SMS_71390007",
    "TemplateParam": '{"customer":"test"}',
    "Timestamp": "2017-07-12T02:42:19Z",
    "Version": "2017-05-25",
}
DOC_STRING_TO_SIGN = (
    "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers"
    "%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA"
    "%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8"
    "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466"
    "%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007%26TemplateParam%3D%257B%2522customer"
    "%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25"
)
DOC_SIGNATURE = "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_documented_sendsms_signature_is_reproduced_exactly():
    assert aliyun.string_to_sign("GET", DOC_PARAMS) == DOC_STRING_TO_SIGN
    assert aliyun.signature("GET", DOC_PARAMS, "testSecret") == DOC_SIGNATURE
    # The Signature parameter itself never takes part.
    assert aliyun.signature("GET", {**DOC_PARAMS, "Signature": "x"}, "testSecret") == DOC_SIGNATURE


def test_documented_rpc_signature_example():
    # Alibaba Cloud RPC signature documentation, DescribeRegions example (AccessKeySecret "testsecret").
    params = {
        "Format": "XML",
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Version": "2014-05-26",
        "Timestamp": "2016-02-23T12:46:24Z",
    }
    assert aliyun.signature("GET", params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_percent_encoding_follows_the_documented_rules():
    assert aliyun.percent_encode("a b") == "a%20b"
    assert aliyun.percent_encode("*") == "%2A"
    assert aliyun.percent_encode("~-_.") == "~-_."
    assert aliyun.percent_encode("/=&+:") == "%2F%3D%26%2B%3A"
    assert aliyun.percent_encode("业") == "%E4%B8%9A"


# --- a local server playing dysmsapi.aliyuncs.com ---------------------------------------------

KEY_ID, SECRET = "LTAI-test-key", "test-secret-Zq9"
SIGN_NAME = "业主大会投票"
TEMPLATES = {"sign_in_code": "SMS_900001", "verify_code": "SMS_900002", "notice": "SMS_900003"}
ILLEGAL_NUMBER = "13800000000"  # the fake service answers 非法手机号 for this one
REQUIRED = {
    "AccessKeyId",
    "Action",
    "Format",
    "PhoneNumbers",
    "RegionId",
    "SignName",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "TemplateCode",
    "TemplateParam",
    "Timestamp",
    "Version",
    "Signature",
}


def _independent_signature(method: str, params: dict[str, str], secret: str) -> str:
    """The documented algorithm written again, separately from the code under test."""
    enc = lambda s: urllib.parse.quote(s, safe="")  # noqa: E731 - keeps A-Z a-z 0-9 - _ . ~
    canonical = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()) if k != "Signature")
    to_sign = f"{method}&{enc('/')}&{enc(canonical)}"
    return base64.b64encode(hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


class FakeDysms:
    """Checks each request the way the service does and answers in its documented format."""

    def __init__(self, secret: str = SECRET):
        self.secret = secret
        self.nonces: set[str] = set()
        self.verdicts: list[str] = []
        self.params: list[dict[str, str]] = []

    def _error(self, status: int, code: str, message: str) -> tuple[int, dict]:
        self.verdicts.append(code)
        return status, {
            "RequestId": "8D0C3A27-ERR",
            "HostId": "dysmsapi.aliyuncs.com",
            "Code": code,
            "Message": message,
        }

    def __call__(self, got: Received) -> tuple[int, dict]:
        if got.method != "POST" or not got.headers.get("Content-Type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            return self._error(400, "InvalidParameter", "expected a form POST")
        pairs = urllib.parse.parse_qsl(got.body.decode(), keep_blank_values=True, strict_parsing=True)
        params = dict(pairs)
        self.params.append(params)
        missing = REQUIRED - set(params)
        if missing or len(pairs) != len(params):
            return self._error(400, "MissingParameter", f"missing {sorted(missing)}")
        if params["Signature"] != _independent_signature("POST", params, self.secret):
            return self._error(
                400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
            )
        fixed = {
            "AccessKeyId": KEY_ID,
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": "cn-hangzhou",
            "SignName": SIGN_NAME,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
            "Version": "2017-05-25",
        }
        wrong = {k: params[k] for k, v in fixed.items() if params[k] != v}
        if wrong:
            return self._error(400, "InvalidParameter", f"unexpected {wrong}")
        stamp = dt.datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        if abs((dt.datetime.now(dt.UTC) - stamp).total_seconds()) > 15 * 60:
            return self._error(400, "InvalidTimeStamp.Expired", "timestamp out of range")
        if params["SignatureNonce"] in self.nonces:
            return self._error(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
        self.nonces.add(params["SignatureNonce"])
        if params["TemplateCode"] not in TEMPLATES.values():
            return self._error(200, "isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
        values = json.loads(params["TemplateParam"])
        if not all(isinstance(v, str) for v in values.values()):
            return self._error(200, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        if params["PhoneNumbers"] == ILLEGAL_NUMBER:
            self.verdicts.append("isv.MOBILE_NUMBER_ILLEGAL")
            return 200, {
                "Message": "非法手机号",
                "RequestId": "2184201F-BFB3-446B",
                "Code": "isv.MOBILE_NUMBER_ILLEGAL",
            }
        self.verdicts.append("OK")
        return 200, {
            "Message": "OK",
            "RequestId": "F655A8D5-B967-440B",
            "BizId": "900619746936498440^0",
            "Code": "OK",
        }


@pytest.fixture
def dysms(settings):
    service = FakeDysms()
    with fake_server(service) as server:
        settings.OWNERVOTE_SMS_BACKEND = "ownervote.identity.sms.aliyun.AliyunSmsBackend"
        settings.OWNERVOTE_SMS_OPTIONS = {
            "access_key_id": KEY_ID,
            "access_key_secret": SECRET,
            "sign_name": SIGN_NAME,
            "endpoint": server.url + "/",
            "templates": dict(TEMPLATES),
        }
        service.server = server
        yield service


@pytest.mark.django_db
def test_message_is_sent_signed_and_accepted(dysms):
    row = send_sms(mobile="13900000001", template="sign_in_code", params={"code": "042817"})
    assert dysms.verdicts == ["OK"] and len(dysms.server.received) == 1
    sent = dysms.params[0]
    assert sent["PhoneNumbers"] == "13900000001" and sent["TemplateCode"] == "SMS_900001"
    assert json.loads(sent["TemplateParam"]) == {"code": "042817"}
    assert sent["OutId"] == str(row.pk)
    assert row.ok and row.provider_ref == "900619746936498440^0" and row.error == ""
    assert row.backend == "ownervote.identity.sms.aliyun.AliyunSmsBackend"


@pytest.mark.django_db
def test_a_chinese_title_travels_intact(dysms):
    send_sms(mobile="13900000001", template="notice", params={"title": "业主大会 投票*结果~公示"})
    assert dysms.verdicts == ["OK"]
    assert json.loads(dysms.params[0]["TemplateParam"]) == {"title": "业主大会 投票*结果~公示"}


@pytest.mark.django_db
def test_provider_error_becomes_send_failed_with_its_message(dysms):
    with pytest.raises(ServiceError) as info:
        send_sms(mobile=ILLEGAL_NUMBER, template="sign_in_code", params={"code": "111111"})
    exc = info.value
    assert exc.code == "sms.send_failed" and exc.status == 502
    assert str(exc.message) == "短信发送失败（非法手机号），请稍后再试。"
    assert exc.details["provider_code"] == "isv.MOBILE_NUMBER_ILLEGAL"
    row = SentSms.objects.get()
    assert not row.ok and row.error == "isv.MOBILE_NUMBER_ILLEGAL: 非法手机号"
    assert len(dysms.server.received) == 1  # never retried


@pytest.mark.django_db
def test_wrong_secret_is_refused_by_the_service(dysms, settings):
    settings.OWNERVOTE_SMS_OPTIONS = {**settings.OWNERVOTE_SMS_OPTIONS, "access_key_secret": "not-the-secret"}
    with pytest.raises(ServiceError) as info:
        send_sms(mobile="13900000001", template="sign_in_code", params={"code": "111111"})
    assert info.value.details["provider_code"] == "SignatureDoesNotMatch"  # HTTP 400 with a JSON body
    assert dysms.verdicts == ["SignatureDoesNotMatch"]


def test_unconfigured_template_is_refused_before_sending():
    backend = AliyunSmsBackend(access_key_id="k", access_key_secret="s", sign_name="n", templates={})
    with pytest.raises(SmsError) as info:
        backend.send(SmsMessage(mobile="13900000001", template="notice", params={"title": "t"}))
    assert info.value.code == "config.template"
    assert backend.configuration_problems() == [
        "OWNERVOTE_SMS_OPTIONS['templates'] has no template code for sign_in_code, verify_code, notice"
    ]


def test_timeout_is_a_failure_and_is_not_retried():
    calls = []

    def slow(got):
        calls.append(got)
        time.sleep(1.0)
        return 200, {"Code": "OK", "Message": "OK", "BizId": "late"}

    with fake_server(slow) as server:
        backend = AliyunSmsBackend(
            access_key_id=KEY_ID,
            access_key_secret=SECRET,
            sign_name=SIGN_NAME,
            endpoint=server.url,
            templates=TEMPLATES,
            timeout=0.3,
        )
        assert backend.timeout == 0.3 and AliyunSmsBackend().timeout == 5  # the default: 5 seconds
        with pytest.raises(SmsError) as info:
            backend.send(SmsMessage(mobile="13900000001", template="notice", params={"title": "t"}))
        time.sleep(1.0)  # let the slow handler finish before the server stops
    assert info.value.code == "network"
    assert len(calls) == 1


def test_unreachable_provider():
    backend = AliyunSmsBackend(
        access_key_id=KEY_ID,
        access_key_secret=SECRET,
        sign_name=SIGN_NAME,
        endpoint="http://127.0.0.1:9/",
        templates=TEMPLATES,
    )
    with pytest.raises(SmsError) as info:
        backend.send(SmsMessage(mobile="13900000001", template="notice", params={"title": "t"}))
    assert info.value.code == "network"
