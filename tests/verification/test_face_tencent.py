"""The Tencent Cloud FaceID adapter on its own (R-ID-4, R-SEC-7): the signature against the
documentation's worked example, the requests it builds, how it reads the answers, and its timeouts
and retries. No network: recorded answers through an injected transport, and any socket opened
fails the test."""

from __future__ import annotations

import json
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest

from ownervote.core.errors import ServiceError
from ownervote.verification.errors import Code
from ownervote.verification.face import FaceResult, FaceResultPending
from ownervote.verification.providers import tencent
from ownervote.verification.providers.tencent import (
    TencentFaceProvider,
    TencentRefused,
    TencentUnavailable,
    authorization,
    canonical_request,
    sha256_hex,
    string_to_sign,
    tc3_signature,
)

from .tencent_fakes import (
    BIZ_TOKEN,
    H5_URL,
    OPTIONS,
    PENDING,
    REQUEST_ID,
    FakeTransport,
    detect_auth_answer,
    error_answer,
    provider,
    text_answer,
)

pytestmark = pytest.mark.usefixtures("no_network")

RETURN_URL = "https://vote.example.cn/m/verify/face/callback/"
NOW = 1_760_000_000

# 签名方法 v3's worked example (https://cloud.tencent.com/document/api/362/4208, the same on every
# product's copy of the page): DescribeInstances of CVM in ap-guangzhou, POST with this JSON body,
# with the documentation's masked example credentials, at 2019-02-25 00:44:25 UTC. The expected
# values are the documentation's; the official Python SDK (tencentcloud/common/sign.py,
# Sign.sign_tc3; abstract_client.py, _get_tc3_signature) computes the same.
DOC_SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******"
DOC_SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3*******"
DOC_TIMESTAMP = 1551113065
DOC_PAYLOAD = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
DOC_HASHED_PAYLOAD = "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
DOC_CANONICAL_REQUEST = (
    "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n"
    "content-type;host\n" + DOC_HASHED_PAYLOAD
)
DOC_STRING_TO_SIGN = (
    "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
    "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
)
DOC_SIGNATURE = "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"
DOC_AUTHORIZATION = (
    "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, "
    "SignedHeaders=content-type;host, Signature=" + DOC_SIGNATURE
)


def test_signature_reproduces_the_documented_example():  # R-ID-4
    assert sha256_hex(DOC_PAYLOAD) == DOC_HASHED_PAYLOAD
    canonical = canonical_request(host="cvm.tencentcloudapi.com", payload=DOC_PAYLOAD)
    assert canonical == DOC_CANONICAL_REQUEST
    to_sign = string_to_sign(timestamp=DOC_TIMESTAMP, canonical=canonical, service="cvm")
    assert to_sign == DOC_STRING_TO_SIGN
    assert (
        tc3_signature(DOC_SECRET_KEY, timestamp=DOC_TIMESTAMP, to_sign=to_sign, service="cvm")
        == DOC_SIGNATURE
    )
    assert (
        authorization(
            DOC_SECRET_ID,
            DOC_SECRET_KEY,
            timestamp=DOC_TIMESTAMP,
            host="cvm.tencentcloudapi.com",
            payload=DOC_PAYLOAD,
            service="cvm",
        )
        == DOC_AUTHORIZATION
    )


def test_the_credential_date_is_the_utc_day():  # R-ID-4
    # 2019-02-26 00:30 in Beijing is still the 25th in UTC: the scope says 2019-02-25.
    assert "2019-02-25/faceid/tc3_request" in string_to_sign(timestamp=1551112200, canonical="x")


def test_detect_auth_request_is_signed_and_carries_our_signed_return(db):  # R-ID-4
    transport = FakeTransport(detect_auth_answer())
    face = provider(transport, clock=lambda: NOW)
    start = face.start(
        verification=SimpleNamespace(pk=42),
        name="钱七",
        id_number="11010519491231002x",
        return_url=RETURN_URL,
    )
    assert start.redirect_url == H5_URL and start.provider_ref == BIZ_TOKEN

    (request,) = transport.requests
    assert request.url == "https://faceid.tencentcloudapi.com/"
    assert (request.connect_timeout, request.read_timeout) == (2.0, 4.0)
    headers = request.headers
    assert headers["X-TC-Action"] == "DetectAuth"
    assert headers["X-TC-Version"] == "2018-03-01"
    assert headers["X-TC-Timestamp"] == str(NOW)
    assert headers["Host"] == "faceid.tencentcloudapi.com"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert "X-TC-Region" not in headers  # FaceID needs none
    assert headers["Authorization"] == authorization(
        OPTIONS["secret_id"],
        OPTIONS["secret_key"],
        timestamp=NOW,
        host="faceid.tencentcloudapi.com",
        payload=request.body,
    )
    assert headers["Authorization"].startswith(
        "TC3-HMAC-SHA256 Credential=AKIDexampleexampleexample/2025-10-09/faceid/tc3_request, "
        "SignedHeaders=content-type;host, Signature="
    )

    body = json.loads(request.body)
    assert set(body) == {"RuleId", "IdCard", "Name", "RedirectUrl", "Extra"}
    assert body["RuleId"] == "1" and body["Name"] == "钱七"
    assert body["IdCard"] == "11010519491231002X"  # Tencent refuses a lower-case x
    assert body["Extra"] == face.id_digest("11010519491231002X") and "110105" not in body["Extra"]
    assert "钱七".encode() in request.body  # UTF-8, not \u escapes (the signature covers the bytes)
    # Where Tencent sends the browser back: our callback with our own signed parameters.
    redirect = body["RedirectUrl"]
    assert redirect.startswith(RETURN_URL + "?") and len(redirect) <= 1024
    params = dict(parse_qsl(urlsplit(redirect).query))
    assert set(params) == {"app_id", "ref", "nonce", "timestamp", "sign"}
    assert params["ref"] == "42" and params["sign"] == face.sign(params)


def test_region_header_is_sent_when_configured(db):  # R-ID-4
    transport = FakeTransport(detect_auth_answer())
    face = provider(transport, region="ap-guangzhou")
    face.start(verification=SimpleNamespace(pk=1), name="钱七", id_number="x", return_url=RETURN_URL)
    assert transport.requests[0].headers["X-TC-Region"] == "ap-guangzhou"


def test_result_is_asked_for_text_only(db):  # R-ID-4 R-SEC-7
    transport = FakeTransport(text_answer(0))
    result = provider(transport).query_result(BIZ_TOKEN)
    assert result == FaceResult(passed=True, score=95.34, reason="")
    (body,) = transport.bodies()
    # InfoType 1: the text result; no ID card photos, best frames or video are asked for.
    assert body == {"BizToken": BIZ_TOKEN, "RuleId": "1", "InfoType": "1"}
    assert transport.actions() == ["GetDetectInfoEnhanced"]


def test_an_image_in_the_answer_is_never_kept(db):  # R-SEC-7
    """Even if Tencent sent a best frame, the result holds only passed, score and reason."""
    reply = json.loads(text_answer(0).body)
    reply["Response"]["BestFrame"] = {"BestFrame": "/9j/4AAQSkZJRgABAQ=="}
    reply["Response"]["VideoData"] = {"LivenessVideo": "AAAAIGZ0eXBpc29t"}
    transport = FakeTransport(tencent.HttpResponse(200, json.dumps(reply).encode()))
    result = provider(transport).query_result(BIZ_TOKEN)
    assert result == FaceResult(passed=True, score=95.34, reason="")


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (text_answer(0, sim="88.1"), FaceResult(passed=True, score=88.1, reason="")),
        (text_answer(3004, sim="31.5", err_msg="比对不通过"), FaceResult(False, 31.5, "tencent.3004")),
        (text_answer(1001, sim="", err_msg="活体检测不通过"), FaceResult(False, None, "tencent.1001")),
        (
            error_answer("InvalidParameterValue.BizTokenExpired", "BizToken过期"),
            FaceResult(False, None, "tencent.session_expired"),
        ),
    ],
)
def test_results_are_mapped(db, reply, expected):  # R-ID-4
    assert provider(FakeTransport(reply)).query_result(BIZ_TOKEN) == expected


def test_unfinished_session_is_pending(db):  # R-ID-4
    with pytest.raises(FaceResultPending) as exc:
        provider(FakeTransport(PENDING)).query_result(BIZ_TOKEN)
    assert exc.value.code == Code.FACE_PENDING
    no_text = tencent.HttpResponse(
        200, json.dumps({"Response": {"Text": None, "RequestId": REQUEST_ID}}).encode()
    )
    with pytest.raises(FaceResultPending):
        provider(FakeTransport(no_text)).query_result(BIZ_TOKEN)


def test_a_pass_for_another_id_number_is_a_failure(db):  # R-ID-4
    face = provider(FakeTransport())
    ours = face.id_digest("11010519491231002X")
    face.transport = FakeTransport(text_answer(0, id_card="11010519491231002X", extra=ours))
    assert face.query_result(BIZ_TOKEN).passed is True
    face.transport = FakeTransport(text_answer(0, id_card="110105194912310037", extra=ours))
    assert face.query_result(BIZ_TOKEN) == FaceResult(False, 95.34, "tencent.other_id_number")


def test_refusals_are_not_retried(db):  # R-ID-4
    sleeps: list[float] = []
    transport = FakeTransport(error_answer("AuthFailure.SignatureFailure", "签名错误"))
    with pytest.raises(TencentRefused) as exc:
        provider(transport, sleeps=sleeps).query_result(BIZ_TOKEN)
    assert (exc.value.code, exc.value.status) == (Code.FACE_PROVIDER_ERROR, 502)
    assert exc.value.details == {
        "provider": "tencent",
        "provider_code": "AuthFailure.SignatureFailure",
        "request_id": REQUEST_ID,
    }
    assert len(transport.requests) == 1 and sleeps == []
    assert str(exc.value.message)  # a message for the owner, not the provider's


@pytest.mark.parametrize(
    "first",
    [
        TimeoutError("timed out"),
        ConnectionResetError("reset"),
        tencent.HttpResponse(502, b"<html>Bad Gateway</html>"),
        error_answer("RequestLimitExceeded"),
        error_answer("InternalError"),
    ],
)
def test_transient_failures_are_retried_with_backoff(db, first):  # R-ID-4
    sleeps: list[float] = []
    transport = FakeTransport(first, error_answer("FailedOperation.UnKnown"), text_answer(0))
    assert provider(transport, sleeps=sleeps).query_result(BIZ_TOKEN).passed is True
    assert len(transport.requests) == 3 and sleeps == [0.5, 1.0]
    # Each attempt is signed afresh.
    assert all(r.headers["Authorization"].startswith("TC3-HMAC-SHA256 ") for r in transport.requests)


def test_it_gives_up_after_the_retries(db):  # R-ID-4
    sleeps: list[float] = []
    transport = FakeTransport(*[ConnectionRefusedError("refused")] * 3)
    with pytest.raises(TencentUnavailable) as exc:
        provider(transport, sleeps=sleeps).start(
            verification=SimpleNamespace(pk=7), name="钱七", id_number="x", return_url=RETURN_URL
        )
    assert (exc.value.code, exc.value.status) == (Code.FACE_UNAVAILABLE, 503)
    assert exc.value.details["provider_code"] == "network"
    assert len(transport.requests) == 3 and sleeps == [0.5, 1.0]
    # A timeout is named as one; no retries when none are configured.
    transport = FakeTransport(TimeoutError("read timed out"))
    with pytest.raises(TencentUnavailable) as exc:
        provider(transport, retries="0").query_result(BIZ_TOKEN)
    assert exc.value.details["provider_code"] == "timeout" and len(transport.requests) == 1


def test_retries_stop_at_the_deadline(db):  # R-ID-4
    """No retry starts that could end more than ``deadline`` seconds after the first try: here the
    first try took 14 s, and another (0.5 s wait, 2 + 4 s timeouts) would end past 20 s."""
    ticks = iter(range(NOW, NOW + 1000, 7))
    transport = FakeTransport(*[TimeoutError("timed out")] * 3)
    with pytest.raises(TencentUnavailable):
        provider(transport, clock=lambda: next(ticks), deadline="20").query_result(BIZ_TOKEN)
    assert len(transport.requests) == 1


def test_an_answer_that_is_not_the_api_is_refused(db):  # R-ID-4
    for reply in (tencent.HttpResponse(200, b"not json"), tencent.HttpResponse(404, b"{}")):
        with pytest.raises(TencentRefused):
            provider(FakeTransport(reply)).query_result(BIZ_TOKEN)
    # A DetectAuth answer without an https page or a token is not followed.
    bad = FakeTransport(
        tencent.HttpResponse(200, json.dumps({"Response": {"Url": "http://x", "BizToken": "t"}}).encode())
    )
    with pytest.raises(TencentRefused) as exc:
        provider(bad).start(
            verification=SimpleNamespace(pk=1), name="钱七", id_number="x", return_url=RETURN_URL
        )
    assert exc.value.details["provider_code"] == "bad_answer"


def test_missing_configuration_is_named_and_starts_nothing(db):  # R-ID-4
    face = TencentFaceProvider(
        {"secret": "short", "endpoint": "http://faceid.example"}, transport=FakeTransport()
    )
    problems = " ".join(face.configuration_problems())
    for name in ("secret_id", "secret_key", "rule_id", "shorter than 32", "https://"):
        assert name in problems
    assert not face.is_configured()
    with pytest.raises(ServiceError) as exc:
        face.start(verification=SimpleNamespace(pk=1), name="钱七", id_number="x", return_url=RETURN_URL)
    assert exc.value.code == Code.FACE_UNAVAILABLE
    assert provider(FakeTransport()).configuration_problems() == []


def test_the_default_transport_sets_both_timeouts(monkeypatch):  # R-ID-4
    """https_transport connects with the connect timeout, then reads with the read timeout (the
    connection is faked: no socket is opened)."""
    seen = {}

    class Sock:
        def settimeout(self, value):
            seen["read"] = value

    class Connection:
        def __init__(self, host, port, timeout, context=None):
            seen.update(host=host, port=port, connect=timeout, tls=context is not None)

        def connect(self):
            self.sock = Sock()

        def request(self, method, path, body, headers):
            seen.update(method=method, path=path, body=body)

        def getresponse(self):
            return SimpleNamespace(status=200, read=lambda: b'{"Response": {}}')

        def close(self):
            seen["closed"] = True

    monkeypatch.setattr(tencent.http.client, "HTTPSConnection", Connection)
    request = tencent.HttpRequest("https://faceid.tencentcloudapi.com/", {}, b"{}", 3.0, 8.0)
    assert tencent.https_transport(request) == tencent.HttpResponse(200, b'{"Response": {}}')
    assert seen == {
        "host": "faceid.tencentcloudapi.com",
        "port": None,
        "connect": 3.0,
        "tls": True,
        "read": 8.0,
        "method": "POST",
        "path": "/",
        "body": b"{}",
        "closed": True,
    }


def test_the_guard_refuses_a_real_connection():  # R-ID-4
    """The tests above would fail rather than reach Tencent: the default transport is refused."""
    request = tencent.HttpRequest("https://faceid.tencentcloudapi.com/", {}, b"{}", 1.0, 1.0)
    with pytest.raises(AssertionError, match="network connection"):
        tencent.https_transport(request)
