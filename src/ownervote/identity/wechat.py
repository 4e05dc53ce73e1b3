"""WeChat official-account web authorisation (网页授权, OAuth 2.0) with the silent ``snsapi_base``
scope: WeChat tells us who the visitor is (their ``openid`` for our official account), nothing more.

1. ``authorize_url``: send the browser to
   ``https://open.weixin.qq.com/connect/oauth2/authorize?appid=APPID&redirect_uri=URI&response_type=code&scope=snsapi_base&state=STATE#wechat_redirect``
   (the parameters in this order, as WeChat documents them);
2. WeChat sends it back to ``redirect_uri?code=CODE&state=STATE``;
3. ``exchange_code``:
   ``GET {api_base}/sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code``
   answers ``{"access_token", "expires_in", "refresh_token", "openid", "scope", ...}`` or
   ``{"errcode": 40029, "errmsg": "invalid code"}``.

Settings: ``OWNERVOTE_WECHAT`` (``app_id``, ``app_secret``, ``authorize_url``, ``api_base``); off
unless ``app_id`` is set. The secret travels only in the server-to-server request, never in a log.

Template messages (模板消息) tell a linked owner about something on the site, through the sender
chosen in ``OWNERVOTE_WECHAT["template_backend"]`` the way SMS backends are chosen:

- ``ConsoleTemplateSender`` (development and tests): prints the message and keeps it in
  ``ConsoleTemplateSender.outbox`` (like Django's ``mail.outbox``); nothing leaves the machine.
- ``TemplateSender``: ``POST {api_base}/cgi-bin/message/template/send?access_token=TOKEN`` with
  ``{"touser", "template_id", "url", "client_msg_id", "data": {keyword: {"value"}}}``, answered by
  ``{"errcode": 0, "errmsg": "ok", "msgid": 200228332}``. The token is the stable access token
  (``POST {api_base}/cgi-bin/stable_token`` with ``{"grant_type": "client_credential", "appid",
  "secret", "force_refresh": false}`` -> ``{"access_token", "expires_in": 7200}``), cached until
  five minutes before it runs out; the stable token does not invalidate the one another process
  holds. ``client_msg_id`` makes WeChat drop a second message with the same id to the same openid
  within 10 minutes.

The notice uses the template ``notice_template_id`` with our variables ``title``, ``estate`` and
``time`` put into the template's keywords by ``notice_fields`` (``{"title": "thing1", "estate":
"thing2", "time": "time3"}``: a "thing" keyword holds at most 20 characters).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import ClassVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from ownervote.core.errors import ServiceError

from .errors import Code

TIMEOUT_SECONDS = 5
# errcodes that mean "this code is no good" (the visitor should start again), not an outage:
# 40029 invalid code, 40163 code been used, 41008 missing code.
STALE_CODE_ERRCODES = {40029, 40163, 41008}


@dataclass(frozen=True)
class WeChatUser:
    app_id: str
    openid: str
    unionid: str = ""


def config() -> dict:
    return dict(getattr(settings, "OWNERVOTE_WECHAT", None) or {})


def enabled() -> bool:
    return bool(config().get("app_id"))


def authorize_url(*, redirect_uri: str, state: str) -> str:
    cfg = config()
    query = urllib.parse.urlencode(
        [
            ("appid", cfg["app_id"]),
            ("redirect_uri", redirect_uri),
            ("response_type", "code"),
            ("scope", "snsapi_base"),
            ("state", state),
        ]
    )
    return f"{cfg['authorize_url']}?{query}#wechat_redirect"


def _failed(reason: str, details: dict | None = None) -> ServiceError:
    return ServiceError(
        Code.WECHAT_FAILED,
        _("WeChat sign-in did not work (%(reason)s). Sign in with a text message code instead.")
        % {"reason": reason},
        details=details,
        status=502,
    )


def exchange_code(code: str) -> WeChatUser:
    """Who the visitor is, from the ``code`` WeChat gave them. 400 ``wechat.invalid_code`` for a
    stale or used code; 502 ``wechat.failed`` for any other answer or no answer."""
    cfg = config()
    query = urllib.parse.urlencode(
        [
            ("appid", cfg["app_id"]),
            ("secret", cfg.get("app_secret", "")),
            ("code", code),
            ("grant_type", "authorization_code"),
        ]
    )
    url = f"{cfg['api_base'].rstrip('/')}/sns/oauth2/access_token?{query}"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - configured https base
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise _failed(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise _failed(str(getattr(exc, "reason", exc))) from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _failed("not JSON") from exc
    if not isinstance(data, dict):
        raise _failed("not JSON")
    errcode = data.get("errcode")
    if errcode:
        details = {"errcode": errcode, "errmsg": str(data.get("errmsg", ""))}
        if errcode in STALE_CODE_ERRCODES:
            raise ServiceError(
                Code.WECHAT_INVALID_CODE,
                _("The WeChat authorisation has expired. Open the sign-in page again."),
                details=details,
                status=400,
            )
        raise _failed(f"{errcode} {details['errmsg']}".strip(), details)
    openid = str(data.get("openid") or "")
    if not openid:
        raise _failed("no openid")
    return WeChatUser(app_id=cfg["app_id"], openid=openid, unionid=str(data.get("unionid") or ""))


# --- template messages ----------------------------------------------------------------------

log = logging.getLogger("ownervote.wechat")

CONSOLE_SENDER = "ownervote.identity.wechat.ConsoleTemplateSender"
DEFAULT_NOTICE_FIELDS = {"title": "thing1", "estate": "thing2", "time": "time3"}
THING_MAX = 20  # the most characters a "thing" keyword shows
CLIENT_MSG_ID_WINDOW = dt.timedelta(minutes=10)
# errcodes: the access token is no good (fetch it again and retry once) ...
TOKEN_ERRCODES = {40001, 40014, 42001}
# ... and the person cannot be reached through WeChat: sending again will not help.
# 40003 invalid openid, 43004 require subscribe (they unfollowed), 43019 in the blacklist,
# 43101 user refused to receive the message.
UNREACHABLE_ERRCODES = {40003, 43004, 43019, 43101}


@dataclass(frozen=True)
class TemplateMessage:
    openid: str
    template_id: str
    data: dict[str, str] = field(default_factory=dict)  # template keyword -> value
    url: str = ""  # opened when the person taps the message
    client_msg_id: str = ""  # WeChat sends one message per (openid, client_msg_id) within 10 minutes


class TemplateError(Exception):
    """WeChat refused the message or could not be reached. ``permanent``: sending again will not
    help (the person unfollowed the account, the openid is not ours)."""

    def __init__(self, code: str, message: str, *, permanent: bool = False):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.permanent = permanent


class BaseTemplateSender:
    """Sends one template message and returns WeChat's ``msgid``; raises ``TemplateError``. It
    never retries on its own (the outbox does, with back-off)."""

    delivers = True
    #: Whether a message counts as delivered the moment it is sent (the development sender).
    reports_at_once = False

    def __init__(self, **options):
        self.options = options

    def send(self, message: TemplateMessage) -> str:
        raise NotImplementedError


class ConsoleTemplateSender(BaseTemplateSender):
    """Development and tests: prints the message and keeps it in ``outbox`` (this process only).
    Like WeChat it drops a second message with the same ``client_msg_id`` to the same openid
    within 10 minutes (answering with the first one's msgid)."""

    delivers = False
    reports_at_once = True
    outbox: ClassVar[list[TemplateMessage]] = []
    _seen: ClassVar[dict[tuple[str, str], tuple[dt.datetime, str]]] = {}

    @classmethod
    def reset(cls) -> None:
        cls.outbox.clear()
        cls._seen.clear()

    def send(self, message: TemplateMessage) -> str:
        now = timezone.now()
        key = (message.openid, message.client_msg_id)
        if message.client_msg_id and key in ConsoleTemplateSender._seen:
            first_at, msgid = ConsoleTemplateSender._seen[key]
            if now - first_at < CLIENT_MSG_ID_WINDOW:
                return msgid
        ConsoleTemplateSender.outbox.append(message)
        msgid = f"console-{len(ConsoleTemplateSender.outbox)}"
        if message.client_msg_id:
            ConsoleTemplateSender._seen[key] = (now, msgid)
        fields = ", ".join(f"{k}={v}" for k, v in message.data.items())
        line = f"[WeChat template {message.template_id} to {message.openid[:6]}...] {fields} {message.url}"
        log.info("%s", line)
        print(line, file=sys.stdout, flush=True)
        return msgid


class TemplateSender(BaseTemplateSender):
    """The official account's template message interface (see the module's documentation)."""

    def __init__(
        self, *, app_id: str = "", app_secret: str = "", api_base: str = "", timeout=None, **options
    ):
        super().__init__(**options)
        self.app_id = app_id
        self.app_secret = app_secret
        self.api_base = (api_base or "https://api.weixin.qq.com").rstrip("/")
        self.timeout = float(timeout or TIMEOUT_SECONDS)

    @property
    def _token_key(self) -> str:
        return f"ownervote.wechat.stable_token:{self.app_id}"

    def _post(self, url: str, payload: dict) -> dict:
        request = urllib.request.Request(  # noqa: S310 - the configured https base
            url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise TemplateError(f"http.{exc.code}", "WeChat answered with an HTTP error") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TemplateError(
                "network", f"WeChat could not be reached: {getattr(exc, 'reason', exc)}"
            ) from exc
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise TemplateError("not_json", "WeChat gave an answer that is not JSON") from exc
        if not isinstance(data, dict):
            raise TemplateError("not_json", "WeChat gave an answer that is not JSON")
        return data

    def access_token(self, *, fresh: bool = False) -> str:
        """The stable access token, from the cache unless ``fresh``."""
        if not fresh:
            token = cache.get(self._token_key)
            if token:
                return token
        data = self._post(
            f"{self.api_base}/cgi-bin/stable_token",
            {
                "grant_type": "client_credential",
                "appid": self.app_id,
                "secret": self.app_secret,
                "force_refresh": False,
            },
        )
        token = str(data.get("access_token") or "")
        if data.get("errcode") or not token:
            raise TemplateError(
                f"token.{data.get('errcode') or 'missing'}", str(data.get("errmsg") or "no access_token")
            )
        expires_in = int(data.get("expires_in") or 7200)
        cache.set(self._token_key, token, max(60, expires_in - 300))
        return token

    def send(self, message: TemplateMessage) -> str:
        payload = {
            "touser": message.openid,
            "template_id": message.template_id,
            "data": {key: {"value": value} for key, value in message.data.items()},
        }
        if message.url:
            payload["url"] = message.url
        if message.client_msg_id:
            payload["client_msg_id"] = message.client_msg_id
        for fresh in (False, True):
            token = self.access_token(fresh=fresh)
            query = urllib.parse.urlencode({"access_token": token})
            data = self._post(f"{self.api_base}/cgi-bin/message/template/send?{query}", payload)
            errcode = int(data.get("errcode") or 0)
            if errcode == 0:
                return str(data.get("msgid") or "")
            if errcode in TOKEN_ERRCODES and not fresh:
                cache.delete(self._token_key)  # the token went bad: a fresh one, then once more
                continue
            break
        raise TemplateError(
            str(errcode), str(data.get("errmsg") or ""), permanent=errcode in UNREACHABLE_ERRCODES
        )


def template_sender() -> BaseTemplateSender:
    """The configured sender, built with the ``OWNERVOTE_WECHAT`` options."""
    cfg = config()
    path = cfg.pop("template_backend", "") or CONSOLE_SENDER
    return import_string(path)(**cfg)


def notice_template_enabled() -> bool:
    """Whether owners who linked WeChat get their notices as template messages."""
    cfg = config()
    return bool(cfg.get("app_id") and cfg.get("notice_template_id"))


def notice_message(
    *, openid: str, title: str, estate: str, when: str, url: str, client_msg_id: str
) -> TemplateMessage:
    """The notice template message: our variables put into the template's keywords."""
    cfg = config()
    fields = dict(cfg.get("notice_fields") or DEFAULT_NOTICE_FIELDS)
    values = {"title": title, "estate": estate or "-", "time": when}
    data = {
        keyword: (values[name][:THING_MAX] if keyword.startswith("thing") else values[name])
        for name, keyword in fields.items()
        if name in values
    }
    return TemplateMessage(
        openid=openid, template_id=cfg["notice_template_id"], data=data, url=url, client_msg_id=client_msg_id
    )


# --- the official account's event push (消息推送) -------------------------------------------------
#
# WeChat posts events as XML to the server address configured for the account, with ``signature``,
# ``timestamp`` and ``nonce`` in the query: ``signature`` is the SHA-1 (hex) of the account's
# ``token``, ``timestamp`` and ``nonce`` sorted as strings and joined without separator. The same
# check answers the address's verification (GET with ``echostr``, which is answered as it came).
# Plaintext mode (明文模式) only: the signature does not cover the body, so the endpoint also
# refuses a stale timestamp and a nonce seen with another body (``notify.views``).
#
# TEMPLATESENDJOBFINISH, pushed when a template message was delivered or not:
#   <xml><ToUserName><![CDATA[gh_...]]></ToUserName><FromUserName><![CDATA[openid]]></FromUserName>
#   <CreateTime>1395658920</CreateTime><MsgType><![CDATA[event]]></MsgType>
#   <Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID>
#   <Status><![CDATA[success]]></Status></xml>
# ``Status``: ``success``, ``failed:user block`` (the person refused the account's messages) or
# ``failed: system failed``; ``MsgID`` is the ``msgid`` the template send answered.

MAX_EVENT_BYTES = 64 * 1024


def event_signature(*, token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()  # noqa: S324 - WeChat's scheme


def event_signature_ok(*, token: str, timestamp: str, nonce: str, signature: str) -> bool:
    if not (token and timestamp and nonce and signature):
        return False
    expected = event_signature(token=token, timestamp=timestamp, nonce=nonce)
    return hmac.compare_digest(expected.encode(), signature.lower().encode())  # any text: bytes


@dataclass(frozen=True)
class TemplateReport:
    """A TEMPLATESENDJOBFINISH event: the template message ``msgid`` to ``openid`` was delivered
    (``delivered``) or not, at ``at`` (the event's ``CreateTime``), with WeChat's ``status``."""

    msgid: str
    openid: str
    delivered: bool
    status: str
    at: dt.datetime


def parse_event(body: bytes) -> dict[str, str] | None:
    """The fields of one pushed event (tag -> text), or None when the body is no such XML. A
    document with a DTD or entities is refused unread."""
    if not body or len(body) > MAX_EVENT_BYTES or b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        return None
    try:
        root = ET.fromstring(body)  # noqa: S314 - no DTD or entity can reach here (checked above)
    except ET.ParseError:
        return None
    if root.tag != "xml":
        return None
    return {child.tag: (child.text or "").strip() for child in root}


def template_report(fields: dict[str, str]) -> TemplateReport | None:
    """The delivery report in a pushed event, or None for any other event."""
    if fields.get("MsgType") != "event" or fields.get("Event") != "TEMPLATESENDJOBFINISH":
        return None
    msgid = fields.get("MsgID") or fields.get("MsgId") or ""
    try:
        at = dt.datetime.fromtimestamp(int(fields.get("CreateTime") or ""), dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None
    if not msgid:
        return None
    status = fields.get("Status") or ""
    return TemplateReport(
        msgid=msgid[:100],
        openid=fields.get("FromUserName", ""),
        delivered=status == "success",
        status=status[:64],
        at=at,
    )
