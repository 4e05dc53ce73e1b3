"""Alibaba Cloud SMS (短信服务, dysmsapi), operations SendSms and QuerySendDetails, API version
2017-05-25, over its RPC interface with signature version 1.0 (HMAC-SHA1), using nothing but the
standard library.

- SendSms: https://help.aliyun.com/document_detail/55284.html
- QuerySendDetails: https://help.aliyun.com/document_detail/419277.html (``PhoneNumber``,
  ``SendDate`` yyyyMMdd within the last 30 days, ``PageSize`` 1-50, ``CurrentPage``; the answer
  ``{"Code": "OK", "TotalCount": n, "SmsSendDetailDTOs": {"SmsSendDetailDTO": [{"OutId",
  "SendStatus" (1 awaiting the receipt, 2 failed, 3 delivered), "ErrCode", "PhoneNum",
  "TemplateCode", "SendDate", "ReceiveDate", "Content"}]}}``)
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
not idempotent: a timed-out request is reported as a failure and never retried here. The outbox
(``ownervote.notify``) asks ``check_sent`` (QuerySendDetails, matched on our ``OutId``) before it
sends again a message whose worker died during the send.

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

from ..errors import Code
from .base import BaseBackend, DeliveryReport, SmsError, SmsMessage

API_VERSION = "2017-05-25"
DEFAULT_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
DEFAULT_REGION = "cn-hangzhou"
TIMEOUT_SECONDS = 5
REQUIRED_TEMPLATES = ("sign_in_code", "verify_code", "notice")
QUERY_PAGE_SIZE = 50  # the most QuerySendDetails returns at once
QUERY_MAX_PAGES = 20  # 1,000 messages to one number in a day is more than anyone gets
BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")  # the service dates its records so


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

    def common_params(self, action: str, *, nonce: str = "", when: str = "") -> dict[str, str]:
        """The parameters every RPC call carries, without the signature."""
        return {
            "AccessKeyId": self.access_key_id,
            "Action": action,
            "Format": "JSON",
            "RegionId": self.region_id,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": when or timestamp(),
            "Version": API_VERSION,
        }

    def request_params(self, message: SmsMessage, *, nonce: str = "", when: str = "") -> dict[str, str]:
        """The SendSms parameters for ``message``, without the signature."""
        template_code = self.templates.get(message.template)
        if not template_code:
            raise SmsError(
                Code.SMS_TEMPLATE_MISSING, _("No provider template is configured for this message.")
            )
        params = {
            **self.common_params("SendSms", nonce=nonce, when=when),
            "PhoneNumbers": message.mobile,
            "SignName": self.sign_name,
            "TemplateCode": template_code,
            "TemplateParam": json.dumps(
                {k: str(v) for k, v in message.params.items()}, ensure_ascii=False, separators=(",", ":")
            ),
        }
        if message.out_id:
            params["OutId"] = message.out_id
        return dict(sorted(params.items()))

    def query_params(
        self, *, mobile: str, send_date: str, page: int = 1, nonce: str = "", when: str = ""
    ) -> dict[str, str]:
        """The QuerySendDetails parameters (one number, one day ``yyyyMMdd``), without the signature."""
        params = {
            **self.common_params("QuerySendDetails", nonce=nonce, when=when),
            "PhoneNumber": mobile,
            "SendDate": send_date,
            "PageSize": str(QUERY_PAGE_SIZE),
            "CurrentPage": str(page),
        }
        return dict(sorted(params.items()))

    def signed_body(self, params: Mapping[str, str]) -> bytes:
        signed = {**params, "Signature": signature("POST", params, self.access_key_secret)}
        return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in signed.items()).encode()

    def call(self, params: Mapping[str, str]) -> tuple[int, dict]:
        """POST one signed request; the HTTP status and the JSON answer. ``SmsError("network")``
        when the service cannot be reached, ``SmsError("http.<status>")`` for an answer that is not
        JSON."""
        body = self.signed_body(params)
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
        return status, data

    def send(self, message: SmsMessage) -> str:
        status, data = self.call(self.request_params(message))
        code = str(data.get("Code") or "")
        if status == 200 and code == "OK":
            return str(data.get("BizId") or data.get("RequestId") or "")
        raise SmsError(code or f"http.{status}", str(data.get("Message") or code or status))

    def check_sent(self, *, out_id: str, mobile: str, sent_at: dt.datetime) -> bool | None:
        """Whether Alibaba Cloud has a record of the message sent with ``out_id``: QuerySendDetails
        for the number on the day of the send (Beijing time, and the next day too when the send was
        just before midnight), every page, matched on ``OutId``. A record in any ``SendStatus``
        (1 awaiting the receipt, 2 failed, 3 delivered) means the provider took the message."""
        local = sent_at.astimezone(BEIJING)
        days = [local.date()]
        if (local + dt.timedelta(minutes=10)).date() != local.date():
            days.append(days[0] + dt.timedelta(days=1))
        for day in days:
            if any(str(row.get("OutId") or "") == out_id for row in self._details(mobile, day)):
                return True
        return False

    def _details(self, mobile: str, day: dt.date) -> list[dict]:
        """Every QuerySendDetails record of ``mobile`` on ``day`` (Beijing), all pages."""
        rows: list[dict] = []
        for page in range(1, QUERY_MAX_PAGES + 1):
            params = self.query_params(mobile=mobile, send_date=day.strftime("%Y%m%d"), page=page)
            status, data = self.call(params)
            code = str(data.get("Code") or "")
            if status != 200 or code != "OK":
                raise SmsError(code or f"http.{status}", str(data.get("Message") or code or status))
            found = (data.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO") or []
            rows.extend(row for row in found if isinstance(row, dict))
            total = int(data.get("TotalCount") or 0)
            if not found or page * QUERY_PAGE_SIZE >= total:
                break
        return rows

    def delivery_reports(self, *, mobile: str, day: dt.date) -> list[DeliveryReport]:
        """The delivery reports of ``mobile``'s messages on ``day`` (Beijing), from
        QuerySendDetails: ``SendStatus`` 3 delivered, 2 failed, 1 still awaiting the operator's
        report; ``ReceiveDate`` (``yyyy-MM-dd HH:mm:ss``, Beijing) is when the report came and
        ``ErrCode`` its code (``DELIVERED`` or the operator's failure code). Alibaba Cloud's HTTP
        push of the same reports (SmsReport) carries no signature, so it is not used: anyone could
        post a forged report. A record without ``OutId`` is not ours."""
        reports = []
        for row in self._details(mobile, day):
            out_id = str(row.get("OutId") or "")
            if not out_id:
                continue
            status = str(row.get("SendStatus") or "")
            delivered = {"3": True, "2": False}.get(status)
            at = None
            if delivered is not None:
                try:
                    at = dt.datetime.strptime(str(row.get("ReceiveDate") or ""), "%Y-%m-%d %H:%M:%S")
                except ValueError:
                    delivered = None  # a final status without its time is not a report yet
                else:
                    at = at.replace(tzinfo=BEIJING)
            reports.append(DeliveryReport(out_id, delivered, at, str(row.get("ErrCode") or "")[:64]))
        return reports
