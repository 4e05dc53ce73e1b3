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
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ownervote.core.errors import ServiceError

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
        "wechat.failed",
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
                "wechat.invalid_code",
                _("The WeChat authorisation has expired. Open the sign-in page again."),
                details=details,
                status=400,
            )
        raise _failed(f"{errcode} {details['errmsg']}".strip(), details)
    openid = str(data.get("openid") or "")
    if not openid:
        raise _failed("no openid")
    return WeChatUser(app_id=cfg["app_id"], openid=openid, unionid=str(data.get("unionid") or ""))
