"""Text messages, through the provider chosen in settings the way Django chooses its email backend:

    OWNERVOTE_SMS_BACKEND = "ownervote.identity.sms.aliyun.AliyunSmsBackend"
    OWNERVOTE_SMS_OPTIONS = {"access_key_id": ..., "access_key_secret": ..., "sign_name": ...,
                             "endpoint": ..., "templates": {"sign_in_code": "SMS_1", ...}}

``send_sms`` writes a ``SentSms`` row first (the parameters encrypted: a code is a secret), hands
the message to the backend, and records the provider's answer on that row. Development uses the
``ConsoleBackend``, which prints the message; the row is where a test reads the code
(``SentSms.params()``).

Messages to mainland phones go out in Chinese through templates the provider has approved. The
texts below are those templates as registered with the provider; the console backend renders them
so that a developer sees what an owner would read. Each provider template holds the same variables.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from ownervote.core import crypto, pii, validators
from ownervote.core.errors import InvalidInput, ServiceError

from ..models import SentSms
from .base import BaseBackend, SmsError, SmsMessage

__all__ = ["TEMPLATES", "BaseBackend", "SmsError", "SmsMessage", "get_backend", "render", "send_sms"]

log = logging.getLogger("ownervote.sms")

SIGNATURE = "【业主大会投票】"
# Our template name -> (its variables, its text as approved by the provider). ``{minutes}`` is the
# code lifetime, fixed in the approved text; it is not a variable sent to the provider.
TEMPLATES: dict[str, tuple[tuple[str, ...], str]] = {
    "sign_in_code": (("code",), SIGNATURE + "您的登录验证码为{code}，{minutes}分钟内有效。请勿告诉他人。"),
    "verify_code": (
        ("code",),
        SIGNATURE + "您正在进行业主身份核验，验证码为{code}，{minutes}分钟内有效。请勿告诉他人。",
    ),
    "notice": (("title",), SIGNATURE + "您有一条新消息：{title}。请进入业主大会投票平台查看。"),
}


def get_backend() -> BaseBackend:
    """The configured backend: ``import_string(OWNERVOTE_SMS_BACKEND)(**OWNERVOTE_SMS_OPTIONS)``."""
    return import_string(settings.OWNERVOTE_SMS_BACKEND)(**settings.OWNERVOTE_SMS_OPTIONS)


def _check_params(template: str, params: dict) -> dict[str, str]:
    if template not in TEMPLATES:
        raise ValueError(f"unknown SMS template {template!r}; known: {sorted(TEMPLATES)}")
    names = TEMPLATES[template][0]
    if set(params) != set(names):
        raise ValueError(f"SMS template {template!r} takes {names}, got {sorted(params)}")
    return {name: str(params[name]) for name in names}


def render(template: str, params: dict) -> str:
    """The message as the owner reads it."""
    params = _check_params(template, params)
    minutes = max(1, -(-int(settings.OWNERVOTE_SMS_CODE_TTL_SECONDS) // 60))
    return TEMPLATES[template][1].format(minutes=minutes, **params)


def send_sms(*, mobile: str, template: str, params: dict) -> SentSms:
    """Send one templated message to a mainland mobile and return its ``SentSms`` row.

    The row is written (and committed, outside a transaction) before the provider is called, and
    updated with the answer: ``ok`` and the provider's reference, or the error. A refusal or an
    unreachable provider raises ``ServiceError("sms.send_failed", status=502)`` carrying the
    provider's message, after the row has recorded it. Nothing is ever retried automatically."""
    params = _check_params(template, params)
    mobile = validators.normalise_mobile(mobile)
    if not validators.is_valid_mobile(mobile):
        raise InvalidInput(
            "sms.bad_mobile", _("Enter a valid mainland mobile number (11 digits, starting with 1).")
        )
    row = SentSms(
        template=template,
        params_enc=crypto.encrypt_text(json.dumps(params, ensure_ascii=False, sort_keys=True)),
        backend=settings.OWNERVOTE_SMS_BACKEND[-100:],
    )
    pii.seal(row, "mobile", mobile)
    row.save()
    message = SmsMessage(
        mobile=mobile, template=template, params=params, text=render(template, params), out_id=str(row.pk)
    )
    try:
        reference = get_backend().send(message)
    except SmsError as exc:
        row.error = str(exc)[:300]
        row.save(update_fields=["error"])
        log.warning("SMS %s (%s) to %s refused: %s", row.pk, template, row.mobile_masked, exc)
        raise ServiceError(
            "sms.send_failed",
            _("The text message could not be sent (%(reason)s). Try again later.") % {"reason": exc.message},
            details={"provider_code": exc.code, "provider_message": exc.message},
            status=502,
        ) from exc
    row.ok = True
    row.provider_ref = (reference or "")[:100]
    row.save(update_fields=["ok", "provider_ref"])
    return row
