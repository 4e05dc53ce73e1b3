"""Tencent Cloud FaceID (腾讯云人脸核身 / 慧眼, SaaS H5) behind ``FaceProvider`` (R-ID-4), with
nothing but the standard library.

Why Tencent rather than Alibaba Cloud 实人认证: owners open OwnerVote inside WeChat (WeChat
sign-in, the official account's template messages), and the H5 page DetectAuth returns is made
for WeChat's browser (documented: 仅微信H5场景使用); its API 3.0 signing (TC3-HMAC-SHA256) has a
worked example in the documentation that our tests reproduce; and its result query lets us ask
for the text result only (``InfoType=1``), so no face image or video ever reaches us (R-SEC-7).

The documents this follows:

- DetectAuth (https://cloud.tencent.com/document/api/1007/31816): ``RuleId`` (the 业务流程 made
  in the console), ``IdCard``, ``Name``, ``RedirectUrl`` (where the browser goes at the end, at
  most 1,024 characters), ``Extra`` (echoed in the result) -> ``Url`` (the H5 page), ``BizToken``
  (the session, valid 7,200 s), ``RequestId``.
- GetDetectInfoEnhanced (https://cloud.tencent.com/document/api/1007/41957): ``BizToken``,
  ``RuleId``, ``InfoType`` -> ``Text`` with ``ErrCode`` (0: the whole flow passed; the FAQ says
  to judge by ``Text.ErrCode == 0`` only), ``ErrMsg``, ``LiveStatus``, ``Comparestatus``,
  ``Sim`` (0-100, 70 is the threshold), ``IdCard``, ``Extra``; before the person has finished,
  ``Text`` or its fields are null (pending). ``InvalidParameterValue.BizTokenExpired``: the
  session ended without a result.
- Signature v3 (签名方法 v3, https://cloud.tencent.com/document/api/362/4208, the same page in
  every product's API docs; its worked example is reproduced in tests): the canonical request
  ``POST\\n/\\n\\ncontent-type:...\\nhost:...\\n\\ncontent-type;host\\n<sha256(payload)>``, the
  string to sign ``TC3-HMAC-SHA256\\n<timestamp>\\n<date>/<service>/tc3_request\\n<sha256(canonical
  request)>``, the key ``HMAC("TC3" + SecretKey, date) -> service -> "tc3_request"``; the header
  ``Authorization: TC3-HMAC-SHA256 Credential=<SecretId>/<scope>, SignedHeaders=content-type;host,
  Signature=<hex>`` with ``X-TC-Action``, ``X-TC-Timestamp``, ``X-TC-Version`` (and
  ``X-TC-Region`` when set; FaceID does not need one). Errors come as HTTP 200 with
  ``{"Response": {"Error": {"Code", "Message"}, "RequestId"}}``.

The callback. Tencent sends the browser back to ``RedirectUrl`` and signs nothing (it may append
the ``token``): so the ``RedirectUrl`` we give it is our callback carrying our own signed
parameters (``FaceProvider.signed_params``: app id, our reference - the attempt's id -, a nonce
and the time of the start, HMAC-SHA256 with ``OWNERVOTE_FACE_SECRET``). ``verify_callback``
checks them as for any provider (signature, age, single-use nonce), maps our reference to the
attempt's ``BizToken`` and refuses a ``token`` that is not that one. The age is counted from the
start, so it may be as long as an attempt lives (30 minutes). Whatever the browser says, only
``query_result`` (server to server) decides.

Timeouts and retries: each call has a connect and a read timeout; a network error, a timeout, an
HTTP 5xx or Tencent's ``RequestLimitExceeded`` / ``InternalError`` is tried again (at most
``retries`` times, waiting ``backoff`` x 1, 2, 4 ... seconds, and never past ``deadline``
seconds from the first try: the owner's request is waiting). Both calls are safe to repeat:
GetDetectInfoEnhanced only reads, and a DetectAuth answer lost on the way leaves an unused
session that expires unbilled. When Tencent cannot be reached the owner is told so in Chinese
(``face.unavailable``, 503) and that the convener can verify them on site; a refusal by Tencent
(credentials, RuleId, parameters) is ``face.provider_error`` (502), logged with its code and
RequestId, never with a name or ID number.

Options (``OWNERVOTE_FACE_OPTIONS``, from the environment, see README "Face verification"):
``secret_id``, ``secret_key`` (a CAM key allowed ``faceid:DetectAuth`` and
``faceid:GetDetectInfoEnhanced``), ``rule_id``, ``secret`` and ``app_id`` (our callback
signature), ``endpoint`` (default ``https://faceid.tencentcloudapi.com/``), ``region``,
``connect_timeout`` (3 s), ``read_timeout`` (5 s), ``retries`` (2), ``backoff`` (0.5 s),
``deadline`` (20 s for a call and its retries), ``callback_max_age_seconds`` (1,800).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ownervote.core.errors import Forbidden, NotFound, ServiceError

from ..errors import Code
from ..face import FaceCallback, FaceProvider, FaceResult, FaceResultPending, FaceStart
from ..models import Verification

log = logging.getLogger(__name__)

API_VERSION = "2018-03-01"
SERVICE = "faceid"
DEFAULT_ENDPOINT = "https://faceid.tencentcloudapi.com/"
CONTENT_TYPE = "application/json; charset=utf-8"
ALGORITHM = "TC3-HMAC-SHA256"
SIGNED_HEADERS = "content-type;host"
# The text result only: no ID card photos (2), best frames (3) or video (4) (R-SEC-7).
INFO_TYPE_TEXT = "1"
# An attempt lives 30 minutes (services.ATTEMPT_TTL): its callback may come that late.
CALLBACK_MAX_AGE_SECONDS = 1800
# Seconds. ``deadline`` bounds a call with its retries: the owner's request waits for it, and
# gunicorn kills a sync worker after 30 s.
DEFAULTS = {"connect_timeout": 3.0, "read_timeout": 5.0, "retries": 2, "backoff": 0.5, "deadline": 20.0}
MAX_RETRIES = 5
# Tencent's answers worth asking again; anything else is a refusal.
RETRYABLE_CODES = frozenset(
    {
        "RequestLimitExceeded",
        "InternalError",
        "InternalError.UnKnown",
        "FailedOperation.RequestLimitExceeded",
        "FailedOperation.UnKnown",
    }
)
BIZ_TOKEN_EXPIRED = "InvalidParameterValue.BizTokenExpired"  # noqa: S105 - an error code
# What our callback URL carries and signs; Tencent may append its ``token``.
OUR_PARAMS = ("app_id", "ref", "nonce", "timestamp", "sign")
TOKEN_PARAMS = ("token", "BizToken")
SECRET_MIN_LENGTH = 32

UNAVAILABLE = _(
    "Face recognition is not available at present. Please try again later, or ask your convener "
    "to verify you on site."
)


# --- signature v3 (TC3-HMAC-SHA256) -----------------------------------------------------------------


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def utc_date(timestamp: int) -> str:
    """The credential scope's date: the UTC day of ``timestamp`` (not Beijing's)."""
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")


def canonical_request(
    *, host: str, payload: bytes, content_type: str = CONTENT_TYPE, method: str = "POST", uri: str = "/"
) -> str:
    """The canonical request of a POST with a JSON body (no query string), signing two headers."""
    headers = f"content-type:{content_type}\nhost:{host}\n"
    return "\n".join([method, uri, "", headers, SIGNED_HEADERS, sha256_hex(payload)])


def credential_scope(timestamp: int, service: str = SERVICE) -> str:
    return f"{utc_date(timestamp)}/{service}/tc3_request"


def string_to_sign(*, timestamp: int, canonical: str, service: str = SERVICE) -> str:
    scope = credential_scope(timestamp, service)
    return f"{ALGORITHM}\n{timestamp}\n{scope}\n{sha256_hex(canonical.encode())}"


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def tc3_signature(secret_key: str, *, timestamp: int, to_sign: str, service: str = SERVICE) -> str:
    key = _hmac(("TC3" + secret_key).encode(), utc_date(timestamp))
    key = _hmac(key, service)
    key = _hmac(key, "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def authorization(
    secret_id: str,
    secret_key: str,
    *,
    timestamp: int,
    host: str,
    payload: bytes,
    service: str = SERVICE,
    content_type: str = CONTENT_TYPE,
) -> str:
    """The ``Authorization`` header of a signed POST."""
    canonical = canonical_request(host=host, payload=payload, content_type=content_type)
    to_sign = string_to_sign(timestamp=timestamp, canonical=canonical, service=service)
    signature = tc3_signature(secret_key, timestamp=timestamp, to_sign=to_sign, service=service)
    return (
        f"{ALGORITHM} Credential={secret_id}/{credential_scope(timestamp, service)}, "
        f"SignedHeaders={SIGNED_HEADERS}, Signature={signature}"
    )


# --- transport ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpRequest:
    url: str
    headers: dict[str, str]
    body: bytes
    connect_timeout: float
    read_timeout: float


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes


Transport = Callable[[HttpRequest], HttpResponse]


def https_transport(request: HttpRequest) -> HttpResponse:
    """POST ``request`` with the standard library: ``connect_timeout`` to connect (and the TLS
    handshake), then ``read_timeout`` for every read. Raises ``OSError`` (``TimeoutError``
    included) or ``http.client.HTTPException`` when the service cannot be reached."""
    parts = urlsplit(request.url)
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname or "",
            parts.port,
            timeout=request.connect_timeout,
            context=ssl.create_default_context(),
        )
    else:  # only a test endpoint is plain HTTP: the deploy check refuses it
        connection = http.client.HTTPConnection(
            parts.hostname or "", parts.port, timeout=request.connect_timeout
        )
    try:
        connection.connect()
        connection.sock.settimeout(request.read_timeout)
        connection.request("POST", parts.path or "/", body=request.body, headers=request.headers)
        response = connection.getresponse()
        return HttpResponse(status=response.status, body=response.read())
    finally:
        connection.close()


# --- errors -------------------------------------------------------------------------------------------


class TencentUnavailable(ServiceError):
    """Tencent could not be reached or kept failing after the retries: the owner may try later
    or be verified on site."""

    status = 503

    def __init__(self, provider_code: str, request_id: str = ""):
        super().__init__(
            Code.FACE_UNAVAILABLE,
            UNAVAILABLE,
            details={"provider": "tencent", "provider_code": provider_code, "request_id": request_id},
        )
        self.provider_code = provider_code


class TencentRefused(ServiceError):
    """Tencent answered with an error that asking again will not mend (credentials, RuleId,
    parameters, a session it does not know)."""

    status = 502

    def __init__(self, provider_code: str, request_id: str = ""):
        super().__init__(
            Code.FACE_PROVIDER_ERROR,
            UNAVAILABLE,
            details={"provider": "tencent", "provider_code": provider_code, "request_id": request_id},
        )
        self.provider_code = provider_code


class _Transient(Exception):
    def __init__(self, provider_code: str, request_id: str = ""):
        super().__init__(provider_code)
        self.provider_code = provider_code
        self.request_id = request_id


# --- the answers --------------------------------------------------------------------------------------


def _score(value: object) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def result_from(response: Mapping, *, id_digest: Callable[[str], str]) -> FaceResult:
    """The outcome in GetDetectInfoEnhanced's ``Response``: only ``Text``'s result fields are read
    (nothing else of the answer is kept). Pending while ``Text.ErrCode`` is null; passed when it is
    0 and the ID number Tencent verified is the one we sent (``Extra`` carries its keyed digest)."""
    text = response.get("Text")
    if not isinstance(text, Mapping) or text.get("ErrCode") is None:
        raise FaceResultPending(Code.FACE_PENDING, _("Face recognition has not finished yet."))
    score = _score(text.get("Sim"))
    code = str(text.get("ErrCode"))
    if code != "0":
        return FaceResult(passed=False, score=score, reason=f"tencent.{code}")
    verified_id = str(text.get("IdCard") or "")
    extra = str(text.get("Extra") or "")
    if verified_id and extra and not hmac.compare_digest(id_digest(verified_id).encode(), extra.encode()):
        return FaceResult(passed=False, score=score, reason="tencent.other_id_number")
    return FaceResult(passed=True, score=score, reason="")


# --- the provider -------------------------------------------------------------------------------------


def _number(options: Mapping, key: str, cast: type) -> float | int:
    value = options.get(key)
    return cast(DEFAULTS[key] if value in (None, "") else value)


class TencentFaceProvider(FaceProvider):
    """Tencent Cloud FaceID H5. ``transport`` (``https_transport`` by default), ``sleep`` and
    ``clock`` are injected by tests: they run on recorded answers and never open a socket."""

    name = "tencent"

    def __init__(
        self,
        options: dict | None = None,
        *,
        max_age_seconds: int | None = None,
        transport: Transport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ):
        options = dict(settings.OWNERVOTE_FACE_OPTIONS if options is None else options)
        if max_age_seconds is None:
            max_age_seconds = int(options.get("callback_max_age_seconds") or CALLBACK_MAX_AGE_SECONDS)
        super().__init__(options, max_age_seconds=max_age_seconds)
        self.secret_id = str(options.get("secret_id") or "")
        self.secret_key = str(options.get("secret_key") or "")
        self.rule_id = str(options.get("rule_id") or "")
        self.region = str(options.get("region") or "")
        self.endpoint = self.endpoint or DEFAULT_ENDPOINT
        self.connect_timeout = float(_number(options, "connect_timeout", float))
        self.read_timeout = float(_number(options, "read_timeout", float))
        self.retries = max(0, min(MAX_RETRIES, int(_number(options, "retries", int))))
        self.backoff = float(_number(options, "backoff", float))
        self.deadline = float(_number(options, "deadline", float))
        self.transport = transport or https_transport
        self.sleep = sleep
        self.clock = clock

    def configuration_problems(self) -> list[str]:
        problems = [
            f"OWNERVOTE_FACE_OPTIONS[{key!r}] is empty ({env})"
            for key, env in (
                ("secret_id", "OWNERVOTE_FACE_TENCENT_SECRET_ID"),
                ("secret_key", "OWNERVOTE_FACE_TENCENT_SECRET_KEY"),
                ("rule_id", "OWNERVOTE_FACE_TENCENT_RULE_ID"),
                ("secret", "OWNERVOTE_FACE_SECRET"),
            )
            if not getattr(self, key)
        ]
        if self.secret and len(self.secret) < SECRET_MIN_LENGTH:
            problems.append(f"OWNERVOTE_FACE_SECRET is shorter than {SECRET_MIN_LENGTH} characters")
        if urlsplit(self.endpoint).scheme != "https":
            problems.append(f"OWNERVOTE_FACE_ENDPOINT is not an https:// address: {self.endpoint}")
        return problems

    # --- the API --------------------------------------------------------------------------------------

    def build_request(self, action: str, params: Mapping, *, timestamp: int | None = None) -> HttpRequest:
        """The signed POST of ``action`` with ``params`` as its JSON body."""
        body = json.dumps(params, ensure_ascii=False, separators=(",", ":")).encode()
        stamp = int(self.clock() if timestamp is None else timestamp)
        host = urlsplit(self.endpoint).netloc
        headers = {
            "Authorization": authorization(
                self.secret_id, self.secret_key, timestamp=stamp, host=host, payload=body
            ),
            "Content-Type": CONTENT_TYPE,
            "Host": host,
            "X-TC-Action": action,
            "X-TC-Timestamp": str(stamp),
            "X-TC-Version": API_VERSION,
        }
        if self.region:
            headers["X-TC-Region"] = self.region
        return HttpRequest(
            url=self.endpoint,
            headers=headers,
            body=body,
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
        )

    def _call_once(self, action: str, params: Mapping) -> dict:
        request = self.build_request(action, params)  # signed afresh: the timestamp moves on
        try:
            response = self.transport(request)
        except (OSError, http.client.HTTPException) as exc:  # TimeoutError is an OSError
            raise _Transient("network" if not isinstance(exc, TimeoutError) else "timeout") from exc
        if response.status >= 500:
            raise _Transient(f"http.{response.status}")
        try:
            data = json.loads(response.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        answer = data.get("Response") if isinstance(data, dict) else None
        if not isinstance(answer, dict):
            raise TencentRefused(f"http.{response.status}")
        request_id = str(answer.get("RequestId") or "")
        error = answer.get("Error")
        if isinstance(error, dict):
            code = str(error.get("Code") or "unknown")
            if code in RETRYABLE_CODES:
                raise _Transient(code, request_id)
            log.warning("Tencent FaceID %s refused: %s (RequestId %s)", action, code, request_id)
            raise TencentRefused(code, request_id)
        if response.status != 200:
            raise TencentRefused(f"http.{response.status}", request_id)
        return answer

    def call(self, action: str, params: Mapping) -> dict:
        """``Response`` of one API call, asked again on a transient failure (``retries`` times, with
        exponential backoff). ``TencentUnavailable`` when it never got through,
        ``TencentRefused`` when Tencent said no. No attempt starts that could end after
        ``deadline`` seconds from the first."""
        began = self.clock()
        for attempt in range(self.retries + 1):
            if attempt:
                wait = self.backoff * 2 ** (attempt - 1)
                if self.clock() - began + wait + self.connect_timeout + self.read_timeout > self.deadline:
                    break
                self.sleep(wait)
            try:
                return self._call_once(action, params)
            except _Transient as exc:
                failure = exc
                log.warning(
                    "Tencent FaceID %s failed (attempt %s of %s): %s %s",
                    action,
                    attempt + 1,
                    self.retries + 1,
                    exc.provider_code,
                    exc.request_id,
                )
        raise TencentUnavailable(failure.provider_code, failure.request_id)

    def id_digest(self, id_number: str) -> str:
        """A keyed digest of the ID number, sent as ``Extra`` and compared with the ID number
        Tencent reports having verified (the number itself is never echoed back through us)."""
        message = "face-id:" + id_number.strip().upper()
        return hmac.new(self._key(), message.encode(), hashlib.sha256).hexdigest()[:32]

    # --- FaceProvider ---------------------------------------------------------------------------------

    def is_configured(self) -> bool:
        return not self.configuration_problems()

    def start(self, *, verification, name: str, id_number: str, return_url: str) -> FaceStart:
        """DetectAuth for the attempt; the browser goes to Tencent's ``Url`` and comes back to our
        callback with our signed parameters (our reference is the attempt's id)."""
        if not self.is_configured():
            raise TencentUnavailable("not_configured")
        separator = "&" if "?" in return_url else "?"
        redirect = return_url + separator + urlencode(self.signed_params(str(verification.pk)))
        params = {
            "RuleId": self.rule_id,
            "IdCard": id_number.strip().upper(),  # a lower-case x fails Tencent's check
            "Name": name,
            "RedirectUrl": redirect,
            "Extra": self.id_digest(id_number),
        }
        answer = self.call("DetectAuth", params)
        url, token = str(answer.get("Url") or ""), str(answer.get("BizToken") or "")
        if not url.startswith("https://") or not token or len(token) > 100:
            raise TencentRefused("bad_answer", str(answer.get("RequestId") or ""))
        return FaceStart(redirect_url=url, provider_ref=token)

    def query_result(self, provider_ref: str) -> FaceResult:
        """GetDetectInfoEnhanced, text only (R-SEC-7). An expired session is a failure."""
        params = {"BizToken": provider_ref, "RuleId": self.rule_id, "InfoType": INFO_TYPE_TEXT}
        try:
            answer = self.call("GetDetectInfoEnhanced", params)
        except TencentRefused as exc:
            if exc.provider_code == BIZ_TOKEN_EXPIRED:
                return FaceResult(passed=False, score=None, reason="tencent.session_expired")
            raise
        return result_from(answer, id_digest=self.id_digest)

    def verify_callback(self, params, *, now: float | None = None) -> FaceCallback:
        """Our signed parameters checked as for any provider; then our reference (the attempt's id)
        is mapped to its BizToken, and a ``token`` Tencent appended must be that one."""
        params = {str(k): str(v) for k, v in dict(params).items()}
        ours = {k: v for k, v in params.items() if k in OUR_PARAMS}
        checked = super().verify_callback(ours, now=now)
        ref = checked.provider_ref
        token = (
            Verification.objects.filter(pk=int(ref), provider=self.name)
            .values_list("provider_ref", flat=True)
            .first()
            if ref.isdigit()
            else None
        )
        if not token:
            raise NotFound(Code.FACE_UNKNOWN_REF, _("This face verification session does not exist."))
        appended = next((params[k] for k in TOKEN_PARAMS if params.get(k)), "")
        if appended and not hmac.compare_digest(appended.encode(), token.encode()):
            raise Forbidden(
                Code.FACE_BAD_SIGNATURE, _("The face verification callback has an invalid signature.")
            )
        return FaceCallback(provider_ref=token, nonce=checked.nonce, timestamp=checked.timestamp, params=ours)
