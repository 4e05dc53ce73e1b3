"""Alibaba Cloud SMS (短信服务, dysmsapi), operation SendSms, API version 2017-05-25, over its RPC
interface with signature version 1.0 (HMAC-SHA1), using nothing but the standard library.

- SendSms: https://help.aliyun.com/document_detail/55284.html
- Signing: https://help.aliyun.com/document_detail/101343.html (its worked example is reproduced
  exactly in tests/identity/test_sms_aliyun.py)

Signing, as documented:

1. Every request parameter except ``Signature``, sorted by name; names and values
   percent-encoded as UTF-8 with RFC 3986's unreserved characters (``A-Z a-z 0-9 - _ . ~``) left
   as they are (so a space is ``%20``, ``*`` is ``%2A``, ``~`` stays ``~``), joined as
   ``name=value`` with ``&``: the canonicalized query string.
2. ``StringToSign = HTTPMethod + "&" + percentEncode("/") + "&" + percentEncode(canonicalized)``.
3. ``Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", UTF-8(StringToSign)))``.

The request is a POST with the parameters as an ``application/x-www-form-urlencoded`` body (so
the mobile number never appears in a URL that a proxy might log). The answer is JSON:
``{"Code": "OK", "Message": "OK", "BizId": "...", "RequestId": "..."}`` on success; any other
``Code`` (``isv.MOBILE_NUMBER_ILLEGAL`` / ``非法手机号``, ``isv.BUSINESS_LIMIT_CONTROL``, or
``SignatureDoesNotMatch`` with HTTP 400) is a refusal. The documentation warns that SendSms is
not idempotent: a timed-out request is reported as a failure and never retried.

Settings (``OWNERVOTE_SMS_OPTIONS``): ``access_key_id``, ``access_key_secret``, ``sign_name``
(the approved 签名, e.g. 业主大会投票), ``templates`` (our template name -> the approved template
code, ``{"sign_in_code": "SMS_...", "verify_code": "SMS_...", "notice": "SMS_..."}``; each
provider template uses the variables ``${code}`` or ``${title}``), ``endpoint`` (default
``https://dysmsapi.aliyuncs.com/``), ``region_id`` (default ``cn-hangzhou``), ``timeout`` (5 s).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping

from django.utils.translation import gettext as _

from .base import BaseBackend, SmsError, SmsMessage

API_VERSION = "2017-05-25"
DEFAULT_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
DEFAULT_REGION = "cn-hangzhou"
TIMEOUT_SECONDS = 5
REQUIRED_TEMPLATES = ("sign_in_code", "verify_code", "notice")


def percent_encode(value: object) -> str:
    """UTF-8 percent-encoding keeping only ``A-Z a-z 0-9 - _ . ~`` (the "POP" encoding)."""
    return urllib.parse.quote(str(value), safe="-_.~")


def canonicalized_query(params: Mapping[str, object]) -> str:
    return "&".join(
        f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()) if k != "Signature"
    )


def string_to_sign(method: str, params: Mapping[str, object]) -> str:
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonicalized_query(params))}"


def signature(method: str, params: Mapping[str, object], access_key_secret: str) -> str:
    digest = hmac.new(
        (access_key_secret + "&").encode(), string_to_sign(method, params).encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode()


def timestamp(now: dt.datetime | None = None) -> str:
    """ISO 8601 in UTC, as the API wants it: 2017-07-12T02:42:19Z."""
    now = now or dt.datetime.now(dt.UTC)
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class AliyunSmsBackend(BaseBackend):
    def __init__(
        self,
        *,
        access_key_id: str = "",
        access_key_secret: str = "",
        sign_name: str = "",
        endpoint: str = "",
        templates: Mapping[str, str] | None = None,
        region_id: str = DEFAULT_REGION,
        timeout: float = TIMEOUT_SECONDS,
        **options,
    ):
        super().__init__(**options)
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.sign_name = sign_name
        self.endpoint = endpoint or DEFAULT_ENDPOINT
        self.templates = dict(templates or {})
        self.region_id = region_id or DEFAULT_REGION
        self.timeout = float(timeout)

    def configuration_problems(self) -> list[str]:
        """What is missing for messages to go out (the deploy check reports these)."""
        problems = [
            f"OWNERVOTE_SMS_OPTIONS[{name!r}] is empty"
            for name in ("access_key_id", "access_key_secret", "sign_name")
            if not getattr(self, name)
        ]
        missing = [name for name in REQUIRED_TEMPLATES if not self.templates.get(name)]
        if missing:
            problems.append(
                f"OWNERVOTE_SMS_OPTIONS['templates'] has no template code for {', '.join(missing)}"
            )
        return problems

    def request_params(self, message: SmsMessage, *, nonce: str = "", when: str = "") -> dict[str, str]:
        """The SendSms parameters for ``message``, without the signature."""
        template_code = self.templates.get(message.template)
        if not template_code:
            raise SmsError("config.template", _("No provider template is configured for this message."))
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": message.mobile,
            "RegionId": self.region_id,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": template_code,
            "TemplateParam": json.dumps(
                {k: str(v) for k, v in message.params.items()}, ensure_ascii=False, separators=(",", ":")
            ),
            "Timestamp": when or timestamp(),
            "Version": API_VERSION,
        }
        if message.out_id:
            params["OutId"] = message.out_id
        return params

    def signed_body(self, params: Mapping[str, str]) -> bytes:
        signed = {**params, "Signature": signature("POST", params, self.access_key_secret)}
        return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in signed.items()).encode()

    def send(self, message: SmsMessage) -> str:
        body = self.signed_body(self.request_params(message))
        request = urllib.request.Request(  # noqa: S310 - the endpoint is ours to configure (https)
            self.endpoint,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:  # 4xx/5xx still carry the JSON error body
            status, raw = exc.code, exc.read()
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SmsError(
                "network", _("the SMS provider could not be reached: %(reason)s") % {"reason": reason}
            ) from exc
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict):
            raise SmsError(f"http.{status}", _("the SMS provider gave an answer that is not JSON"))
        code = str(data.get("Code") or "")
        if status == 200 and code == "OK":
            return str(data.get("BizId") or data.get("RequestId") or "")
        raise SmsError(code or f"http.{status}", str(data.get("Message") or code or status))
