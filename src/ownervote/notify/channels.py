"""How an outbox message leaves, one class per channel, behind the providers' own interfaces
(``identity.sms`` backends, ``identity.wechat`` template senders).

The delivery loop (``notify.tasks``) calls, for one try of one message:

- ``prepare(message)`` inside the transaction that claims it, so what it writes (the SMS row whose
  id is the provider's ``OutId``) is committed before the provider is called;
- ``send(message)`` outside any transaction: the provider's reference, or ``DeliveryError``;
- ``recover(message)`` for a message whose worker died during a send: ``SENT`` (the provider has
  it), ``RESEND`` (it never got it, or a resend cannot reach the person twice) or ``UNKNOWN``.

The inbox is no channel here: it is a row in the same database, written in the same transaction
that marks the message sent (``tasks.deliver_one``), so it happens exactly once by construction.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from ownervote.core import crypto
from ownervote.core.errors import InvalidInput
from ownervote.identity import wechat
from ownervote.identity.errors import Code as IdentityCode
from ownervote.identity.models import WeChatAccount
from ownervote.identity.sms import SmsError, check_sent, get_backend, hand_over, record_sms
from ownervote.rules import sms as sms_rules

SENT, RESEND, UNKNOWN = "sent", "resend", "unknown"

# Provider answers after which sending again cannot help.
PERMANENT_SMS_CODES = {"isv.MOBILE_NUMBER_ILLEGAL", IdentityCode.BAD_MOBILE}
# WeChat drops a second template message with the same client_msg_id to the same person within
# 10 minutes; a dead worker's WeChat send is retried only well inside that window.
WECHAT_DEDUP_WINDOW = dt.timedelta(minutes=9)


class DeliveryError(Exception):
    """One try failed. ``permanent``: trying again will not help. ``unreachable``: the person
    cannot be reached on this channel at all (another channel may be tried instead)."""

    def __init__(self, message: str, *, permanent: bool = False, unreachable: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent or unreachable
        self.unreachable = unreachable


class SmsChannel:
    name = "sms"
    TEMPLATE = "notice"
    TITLE_MAX = 20  # the provider's variable limit

    def prepare(self, message) -> None:
        mobile = crypto.decrypt_text(message.user.mobile_enc) if message.user.mobile_enc else ""
        if not mobile:
            raise DeliveryError("the person has no mobile number", unreachable=True)
        try:
            message.sms = record_sms(
                mobile=mobile,
                template=self.TEMPLATE,
                params={"title": sms_rules.fit(message.title, self.TITLE_MAX)},
            )
        except InvalidInput as exc:
            # Not a page: the outbox's channel turns identity's refusal of the number (sms.bad_mobile)
            # into its own delivery failure (unreachable: trying again cannot help).
            raise DeliveryError(f"{exc.code}: {exc.message}", unreachable=True) from exc

    def send(self, message) -> str:
        try:
            return hand_over(message.sms)
        except SmsError as exc:
            raise DeliveryError(str(exc), permanent=exc.code in PERMANENT_SMS_CODES) from exc

    def recover(self, message) -> str:
        if message.sms is None:
            return UNKNOWN  # the SMS log was purged: nobody can tell any more
        try:
            got = check_sent(message.sms)
        except SmsError as exc:
            raise DeliveryError(f"the SMS provider could not be asked: {exc}") from exc
        return {True: SENT, False: RESEND}.get(got, UNKNOWN)

    def reports_at_once(self) -> bool:
        """Whether the provider's acceptance is its delivery too (the development backend)."""
        return bool(get_backend().reports_at_once)


class WeChatChannel:
    name = "wechat"

    def prepare(self, message) -> None:
        if _openid(message.user) is None:
            raise DeliveryError("the person has no linked WeChat account", unreachable=True)

    def send(self, message) -> str:
        openid = _openid(message.user)
        if openid is None:
            raise DeliveryError("the person has no linked WeChat account", unreachable=True)
        when = timezone.localtime(message.not_before)
        payload = wechat.notice_message(
            openid=openid,
            title=message.title,
            estate=message.estate.name if message.estate_id else "",
            when=f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}",
            url=_absolute(message.link),
            client_msg_id=f"ownervote-{message.pk}",
        )
        try:
            return wechat.template_sender().send(payload)
        except wechat.TemplateError as exc:
            raise DeliveryError(str(exc), unreachable=exc.permanent) from exc

    def recover(self, message) -> str:
        # WeChat has no way to ask whether a template message arrived; its client_msg_id makes a
        # resend safe only within 10 minutes of the first try.
        started = message.attempt_started_at
        if started is not None and timezone.now() - started < WECHAT_DEDUP_WINDOW:
            return RESEND
        return UNKNOWN

    def reports_at_once(self) -> bool:
        return bool(wechat.template_sender().reports_at_once)


def _openid(user) -> str | None:
    app_id = wechat.config().get("app_id")
    if not app_id:
        return None
    return (
        WeChatAccount.objects.filter(user=user, app_id=app_id)
        .order_by("-linked_at")
        .values_list("openid", flat=True)
        .first()
    )


def _absolute(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return settings.OWNERVOTE_PUBLIC_URL.rstrip("/") + "/" + link.lstrip("/")


CHANNELS = {"sms": SmsChannel(), "wechat": WeChatChannel()}


def get(name: str):
    return CHANNELS[name]
