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

from ..errors import Code
from ..models import SentSms
from .base import BaseBackend, DeliveryReport, SmsError, SmsMessage

__all__ = [
    "TEMPLATES",
    "BaseBackend",
    "DeliveryReport",
    "SmsError",
    "SmsMessage",
    "check_sent",
    "get_backend",
    "hand_over",
    "record_sms",
    "render",
    "send_sms",
]

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


def record_sms(*, mobile: str, template: str, params: dict) -> SentSms:
    """Write the ``SentSms`` row of a message about to be sent (in the caller's transaction, or
    committed at once outside one). Its id is the ``out_id`` the provider is given. Refuses an
    invalid number (422 ``sms.bad_mobile``); an unknown template or wrong parameters are
    programming errors (``ValueError``)."""
    params = _check_params(template, params)
    mobile = validators.normalise_mobile(mobile)
    if not validators.is_valid_mobile(mobile):
        raise InvalidInput(
            Code.BAD_MOBILE, _("Enter a valid mainland mobile number (11 digits, starting with 1).")
        )
    row = SentSms(
        template=template,
        params_enc=crypto.encrypt_text(json.dumps(params, ensure_ascii=False, sort_keys=True)),
        backend=settings.OWNERVOTE_SMS_BACKEND[-100:],
    )
    pii.seal(row, "mobile", mobile)
    row.save()
    return row


def hand_over(row: SentSms) -> str:
    """Give the message of ``row`` (written by ``record_sms``) to the provider and record the
    answer on the row: ``ok`` and the provider's reference, or the error (then ``SmsError`` is
    raised). Call it outside a transaction, so that the row says what happened even if the caller
    dies next. Never retries."""
    mobile = crypto.decrypt_text(row.mobile_enc)
    params = row.params()
    message = SmsMessage(
        mobile=mobile,
        template=row.template,
        params=params,
        text=render(row.template, params),
        out_id=str(row.pk),
    )
    try:
        reference = get_backend().send(message)
    except SmsError as exc:
        row.error = str(exc)[:300]
        row.save(update_fields=["error"])
        log.warning("SMS %s (%s) to %s refused: %s", row.pk, row.template, row.mobile_masked, exc)
        raise
    row.ok = True
    row.provider_ref = (reference or "")[:100]
    row.error = ""
    row.save(update_fields=["ok", "provider_ref", "error"])
    return row.provider_ref


def check_sent(row: SentSms) -> bool | None:
    """For a row whose send lost its outcome (no ``ok``, no ``error``): whether the provider took
    it (True), never got it (False) or cannot tell (None). ``SmsError`` when it cannot be asked
    now. The provider is the configured one: a row left by another backend is not asked."""
    if row.ok:
        return True
    if row.error:
        return False
    if row.backend != settings.OWNERVOTE_SMS_BACKEND[-100:]:
        return None
    return get_backend().check_sent(
        out_id=str(row.pk), mobile=crypto.decrypt_text(row.mobile_enc), sent_at=row.sent_at
    )


def send_sms(*, mobile: str, template: str, params: dict) -> SentSms:
    """Send one templated message to a mainland mobile and return its ``SentSms`` row.

    The row is written (and committed, outside a transaction) before the provider is called, and
    updated with the answer: ``ok`` and the provider's reference, or the error. A refusal or an
    unreachable provider raises ``ServiceError(Code.SEND_FAILED, status=502)`` carrying the
    provider's message, after the row has recorded it. Nothing is ever retried automatically
    (the notify outbox retries its own messages)."""
    row = record_sms(mobile=mobile, template=template, params=params)
    try:
        hand_over(row)
    except SmsError as exc:
        raise ServiceError(
            Code.SEND_FAILED,
            _("The text message could not be sent (%(reason)s). Try again later.") % {"reason": exc.message},
            details={"provider_code": exc.code, "provider_message": exc.message},
            status=502,
        ) from exc
    return row
