"""Delivery reports (R-MTG-10): whether an SMS or WeChat message that its provider accepted reached
the person's handset, with the provider's time and code, recorded on the outbox row
(``OutboxMessage.delivery``: ``accepted`` -> ``delivered`` or ``failed``).

Where the reports come from:

- WeChat pushes ``TEMPLATESENDJOBFINISH`` to the official account's server address
  (``views.wechat_events``, signed; ``identity.wechat.template_report``), matched on the msgid the
  template send answered (``provider_ref``) and the openid it went to.
- Alibaba Cloud SMS is asked (``poll_sms``, every ``POLL_EVERY`` while messages wait for their
  report, by the ``poll_sms_reports`` task chain): QuerySendDetails per number and day, matched on
  our ``OutId`` (the message's ``SentSms`` id). Its HTTP push (SmsReport) has no signature, so it is
  not taken: a forged "delivered" would be a forged proof of service.
- The development providers (console SMS backend, console WeChat sender) deliver the moment they
  accept (``deliver_at_once``), so the demo shows delivered messages.

``record_report`` is the one place that writes a report: the first final report of a message wins
(a duplicate or a later contradicting one changes nothing), an unknown message is logged and
ignored, each report is audited, and a delivered one sends ``signals.message_delivered``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from ownervote.audit.services import record
from ownervote.core import crypto, throttle
from ownervote.core.errors import Forbidden, NotFound
from ownervote.identity import wechat
from ownervote.identity.sms import SmsError, get_backend

from . import signals
from .errors import Code
from .models import OutboxMessage

log = logging.getLogger("ownervote.notify.receipts")

D = OutboxMessage.Delivery
RECORDED, DUPLICATE, UNKNOWN = "recorded", "duplicate", "unknown"
POLL_EVERY = dt.timedelta(minutes=5)
# Operators report within 72 hours; a message still without its report after that never gets one.
POLL_WINDOW = dt.timedelta(hours=72)
BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
# WeChat's pushes: a signed timestamp older (or newer) than this is refused; its nonce is kept as
# long, with the digest of the body it came with.
EVENT_MAX_AGE = dt.timedelta(minutes=5)
EVENTS_PER_MINUTE = 1200  # per client address; a notice to 2,000 owners brings as many reports


@dataclass(frozen=True)
class Report:
    """One provider's delivery report, and how to find its message: by our outbox id, by the
    ``SentSms`` id (the SMS ``OutId``) or by the provider's reference (WeChat msgid). ``recipient``,
    when given, must be the openid the message went to."""

    channel: str
    delivered: bool
    at: dt.datetime
    code: str = ""
    message_id: int | None = None
    sms_id: int | None = None
    provider_ref: str = ""
    recipient: str = ""


def _find(report: Report):
    rows = OutboxMessage.objects.select_for_update().filter(channel=report.channel)
    if report.message_id is not None:
        return rows.filter(pk=report.message_id).first()
    if report.sms_id is not None:
        return rows.filter(sms_id=report.sms_id).first()
    if report.provider_ref:
        return rows.filter(provider_ref=report.provider_ref).order_by("-pk").first()
    return None


def _recipient_ok(message: OutboxMessage, report: Report) -> bool:
    if not report.recipient:
        return True
    return message.user.wechat_accounts.filter(openid=report.recipient).exists()


@transaction.atomic
def record_report(*, actor: str, report: Report) -> str:
    """Record one delivery report (see the module). ``actor`` names the provider in the audit
    log. Returns ``recorded``, ``duplicate`` (the message already has its final report) or
    ``unknown`` (no sent message of ours matches; logged, nothing changed)."""
    message = _find(report)
    if message is None or message.status != OutboxMessage.Status.SENT or not _recipient_ok(message, report):
        log.warning(
            "delivery report for no message of ours: %s %s",
            report.channel,
            report.provider_ref or report.sms_id,
        )
        return UNKNOWN
    if message.delivery in (D.DELIVERED, D.FAILED):
        return DUPLICATE
    message.delivery = D.DELIVERED if report.delivered else D.FAILED
    message.delivered_at = report.at
    message.delivery_code = (report.code or "")[:64]
    message.save(update_fields=["delivery", "delivered_at", "delivery_code"])
    record(
        actor=actor,
        action="notify.delivered" if report.delivered else "notify.not_delivered",
        obj=message,
        estate_id=message.estate_id,
        summary={
            "channel": message.channel,
            "event": message.event,
            "provider_ref": message.provider_ref,
            "at": report.at.isoformat(),
            "code": message.delivery_code,
        },
    )
    if report.delivered:
        signals.message_delivered.send(sender=OutboxMessage, message=message)
    return RECORDED


def deliver_at_once(message_id: int, channel) -> None:
    """After a send: a development provider delivers the moment it accepts. A failure here is
    logged and never undoes the send."""
    try:
        if channel.reports_at_once():
            label = f"{channel.name} provider: development"
            report = Report(
                channel=channel.name,
                delivered=True,
                at=timezone.now(),
                code="DELIVERED",
                message_id=message_id,
            )
            record_report(actor=label, report=report)
    except Exception:
        log.exception("outbox message %s: the development delivery report failed", message_id)


# --- WeChat: the official account's event push -----------------------------------------------------


def _refused() -> Forbidden:
    return Forbidden(Code.BAD_SIGNATURE, _("The signature of this request is not valid."))


def _check_push(query: dict, body: bytes) -> None:
    token = wechat.config().get("token") or ""
    if not token:
        raise NotFound(Code.EVENTS_OFF, _("This official account receives no events here."))
    timestamp, nonce = str(query.get("timestamp") or ""), str(query.get("nonce") or "")
    if not wechat.event_signature_ok(
        token=token, timestamp=timestamp, nonce=nonce, signature=str(query.get("signature") or "")
    ):
        raise _refused()
    try:
        sent = dt.datetime.fromtimestamp(int(timestamp), dt.UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise _refused() from exc
    if abs(timezone.now() - sent) > EVENT_MAX_AGE:
        raise _refused()
    # Plaintext mode signs no body: the same signed nonce must not carry another body.
    digest = hashlib.sha256(body).hexdigest()
    key = f"ov-wechat-nonce:{timestamp}:{nonce}"
    if (
        not cache.add(key, digest, timeout=int(EVENT_MAX_AGE.total_seconds()) * 2)
        and cache.get(key) != digest
    ):
        raise _refused()


def wechat_push(*, query: dict, body: bytes, method: str, client_ip: str | None) -> str:
    """One request from WeChat to the account's server address: the address check (GET, answered
    with its ``echostr``) or a pushed event (POST XML, answered ``success``). Refused, changing
    nothing, when the signature is wrong, the timestamp stale or the nonce came with another body
    (403 ``notification.bad_signature``); 404 ``notification.events_off`` without a configured
    token; 429 ``notification.too_many`` past ``EVENTS_PER_MINUTE`` per address. A delivery report
    (TEMPLATESENDJOBFINISH) is recorded (``record_report``); any other event is ignored."""
    throttle.hit(
        scope="wechat-push",
        key=client_ip or "-",
        limit=EVENTS_PER_MINUTE,
        window_seconds=60,
        code=Code.TOO_MANY,
        message=_("Too many requests. Try again in %(minutes)s minutes."),
    )
    _check_push(query, body)
    if method == "GET":
        return str(query.get("echostr") or "")
    fields = wechat.parse_event(body)
    parsed = wechat.template_report(fields) if fields is not None else None
    if parsed is None:
        log.info("WeChat push: nothing to record (%s)", (fields or {}).get("Event") or "not an event")
        return "success"
    report = Report(
        channel="wechat",
        delivered=parsed.delivered,
        at=parsed.at,
        code=parsed.status,
        provider_ref=parsed.msgid,
        recipient=parsed.openid,
    )
    record_report(actor="WeChat official account", report=report)
    return "success"


# --- SMS: asking the provider (Alibaba Cloud QuerySendDetails) -------------------------------------


def _waiting(now: dt.datetime):
    return OutboxMessage.objects.filter(
        channel=OutboxMessage.Channel.SMS,
        status=OutboxMessage.Status.SENT,
        delivery=D.ACCEPTED,
        sent_at__gte=now - POLL_WINDOW,
        sms__isnull=False,
    )


def poll_sms(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Ask the SMS provider for the reports of the messages still waiting for one, one question
    per number and day, and record what came. A provider that cannot be asked (None) is left
    alone; one that fails now is asked again next time."""
    now = now or timezone.now()
    backend = get_backend()
    groups: dict[tuple[str, dt.date], dict[str, int]] = {}
    for pk, sms_id, mobile_enc, sent_at in _waiting(now).values_list(
        "pk", "sms_id", "sms__mobile_enc", "sms__sent_at"
    ):
        mobile = crypto.decrypt_text(mobile_enc) if mobile_enc else ""
        if mobile:
            groups.setdefault((mobile, sent_at.astimezone(BEIJING).date()), {})[str(sms_id)] = pk
    counts = {"asked": 0, "recorded": 0}
    label = f"SMS provider: {type(backend).__name__}"
    for (mobile, day), wanted in groups.items():
        try:
            reports = backend.delivery_reports(mobile=mobile, day=day)
        except SmsError as exc:
            log.warning("SMS delivery reports could not be asked: %s", exc)
            continue
        if reports is None:
            break  # this provider cannot be asked at all
        counts["asked"] += 1
        for r in reports:
            if r.delivered is None or r.at is None or r.out_id not in wanted:
                continue
            report = Report(
                channel="sms", delivered=r.delivered, at=r.at, code=r.code, message_id=wanted[r.out_id]
            )
            counts["recorded"] += record_report(actor=label, report=report) == RECORDED
    return counts


@task()
def poll_sms_reports() -> dict[str, int]:
    _queue_next_poll()
    return poll_sms()


def _waiting_polls():
    return DBTaskResult.objects.filter(task_path=poll_sms_reports.module_path, status="READY")


def _queue_next_poll() -> bool:
    if _waiting_polls().exists():
        return False
    poll_sms_reports.using(run_after=timezone.now() + POLL_EVERY).enqueue()
    return True


def ensure_poll() -> bool:
    """Queue the SMS report poll unless one is waiting (``core.periodic``). True when queued."""
    if _waiting_polls().exists():
        return False
    poll_sms_reports.enqueue()
    return True
