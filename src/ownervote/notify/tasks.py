"""The outbox's delivery, run by the worker (Django's task interface on the database queue).

The tasks, and the loop they run, live in this one module: a try that fails queues the next try
(``queue`` enqueues ``deliver``, whose body is ``deliver_many``), so the two cannot be split
without a cycle.

- ``deliver(message_ids)``: one try of each message that is due (``deliver_one``).
- ``sweep()``: every ``OWNERVOTE_OUTBOX["sweep_seconds"]``: takes back what a dead worker left,
  purges old SMS codes, the SMS log and finished tasks (``sweep_once``). It queues its own next
  run first, so the chain survives a crash inside it; ``ensure_sweep()`` (registered with
  ``core.periodic``, so ``manage.py worker`` calls it at start) starts the chain when no sweep is
  waiting, e.g. after a worker was killed at the wrong moment.

One try of one message (``deliver_one``):

1. claim it in a short transaction (row locked): a pending, due message becomes ``sending`` with
   a lease and ``attempts + 1``; the channel writes what identifies the try (the SMS row whose id
   is the provider's ``OutId``). Committed before the provider is called.
2. call the provider outside any transaction.
3. record the answer in a second transaction, only if the lease is still ours: ``sent``, or back
   to ``pending`` after an exponential back-off (capped, with jitter), or ``failed`` after the last
   attempt or an answer that says trying again cannot help (logged as an error).

The inbox needs no provider: the ``Notification`` row is written in the transaction that marks
the message sent, so a message is in the inbox once or not at all.

A worker that dies during step 2 leaves the message ``sending``; once its lease runs out the sweep
queues it again and ``deliver_one`` asks the channel what happened (``channels.*.recover``): the
provider has it (``sent``), never got it (a new try), or nobody can tell (``failed`` with
``maybe_sent``: not sent again, so never twice).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from ownervote.identity.models import SentSms
from ownervote.rules.retention import RULES

from . import channels, receipts, signals
from .channels import DeliveryError
from .models import DeliveryAttempt, Notification, OutboxMessage
from .retention import erase_sent_sms, erase_sms_codes, erase_task_results

log = logging.getLogger("ownervote.notify.outbox")

DEFAULTS = {
    "max_attempts": 10,
    "backoff_base_seconds": 60.0,
    "backoff_max_seconds": 3600.0,
    "lease_seconds": 300.0,
    "sweep_seconds": 60.0,
    "batch_size": 100,
    # R-SEC-7: the periods of rules/retention.py; a setting may shorten them, never lengthen them
    # (the retention job, audit.retention, erases at the table's period whatever the setting says).
    "sent_sms_retention_days": RULES["sent_sms"].period.days,
    "task_retention_days": RULES["task_result"].period.days,
}
JITTER = 0.2  # a back-off is shortened by up to a fifth, so a provider outage does not end in a stampede
SMS_CODE_RETENTION = dt.timedelta(days=RULES["sms_code"].period.days)
SWEEP_LIMIT = 5000  # messages re-queued by one sweep (the next sweep takes the rest)

Status = OutboxMessage.Status
Result = DeliveryAttempt.Result


def config() -> dict:
    cfg = {**DEFAULTS, **(getattr(settings, "OWNERVOTE_OUTBOX", None) or {})}
    for key in ("sent_sms_retention_days", "task_retention_days"):
        cfg[key] = min(cfg[key], DEFAULTS[key])
    return cfg


def backoff(attempts: int, *, jitter: float | None = None) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed try: base, 2 x base, 4 x base ... up to
    the cap, less up to ``JITTER`` of it at random."""
    cfg = config()
    nominal = min(cfg["backoff_base_seconds"] * 2 ** max(0, attempts - 1), cfg["backoff_max_seconds"])
    share = random.random() if jitter is None else jitter
    return dt.timedelta(seconds=nominal * (1 - JITTER * share))


# --- queueing -------------------------------------------------------------------------------


def queue(messages: Iterable[OutboxMessage]) -> None:
    """Queue deliver tasks for these pending messages, in batches by due time, and note each
    message's task. With the database queue the task rows are written in the caller's
    transaction, so a message and its task are committed together; another task backend gets the
    tasks after the commit."""
    by_time: dict[dt.datetime, list[int]] = {}
    for message in messages:
        by_time.setdefault(message.next_attempt_at, []).append(message.pk)
    if not by_time:
        return
    size = int(config()["batch_size"])
    now = timezone.now()

    def enqueue() -> None:
        for when, ids in sorted(by_time.items()):
            for start in range(0, len(ids), size):
                chunk = ids[start : start + size]
                task = deliver.using(run_after=when) if when > now else deliver
                result = task.enqueue(chunk)
                OutboxMessage.objects.filter(pk__in=chunk).update(task_id=str(result.id))

    if isinstance(task_backends[deliver.backend], DatabaseBackend):
        enqueue()
    else:
        transaction.on_commit(enqueue)


# --- one try --------------------------------------------------------------------------------


def deliver_many(ids: Iterable[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for pk in ids:
        outcome = deliver_one(pk)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def deliver_one(pk: int) -> str:
    """Deliver one message if it is due; what came of it (``sent``, ``retry``, ``failed``,
    ``skipped`` ...). Safe to call any number of times, from any number of workers."""
    cfg = config()
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(of=("self",))
            .select_related("user", "sms", "estate")
            .filter(pk=pk)
            .first()
        )
        if message is None:
            return "missing"
        if message.status == Status.PENDING and message.next_attempt_at <= now:
            if message.channel == OutboxMessage.Channel.INBOX:
                _deliver_inbox(message, now)
                return "sent"
            channel = channels.get(message.channel)
            message.status = Status.SENDING
            message.attempts += 1
            message.attempt_started_at = now
            message.lease_until = now + dt.timedelta(seconds=cfg["lease_seconds"])
            message.claim = secrets.token_hex(16)
            try:
                channel.prepare(message)
            except DeliveryError as exc:
                _fail(message, now, exc.message, unreachable=exc.unreachable)
                return "failed"
            message.save()
            action = "send"
        elif message.status == Status.SENDING and message.lease_until and message.lease_until <= now:
            # The worker that held it is gone (or far too slow): take it over.
            message.lease_until = now + dt.timedelta(seconds=cfg["lease_seconds"])
            message.claim = secrets.token_hex(16)
            message.save(update_fields=["lease_until", "claim"])
            channel = channels.get(message.channel)
            action = "recover"
        else:
            return "skipped"  # sent, cancelled, failed, not due yet, or another worker has it

    if action == "recover":
        return _recover(message, channel)
    return _send(message, channel)


def _deliver_inbox(message: OutboxMessage, now: dt.datetime) -> None:
    note = Notification.objects.create(
        user_id=message.user_id,
        kind=message.kind,
        title=message.title,
        body=message.body,
        link=message.link,
        estate_id=message.estate_id,
    )
    message.notification = note
    message.status = Status.SENT
    message.sent_at = now
    message.save(update_fields=["notification", "status", "sent_at"])


def _send(message: OutboxMessage, channel) -> str:
    try:
        reference = channel.send(message)
    except DeliveryError as exc:
        return _record_failure(message, exc)
    except Exception as exc:  # a bug or an unexpected answer: a failed try like any other
        log.exception("outbox message %s: the %s channel crashed", message.pk, message.channel)
        return _record_failure(message, DeliveryError(f"{type(exc).__name__}: {exc}"))
    done = _finish(message, Result.SENT, status=Status.SENT, provider_ref=(reference or "")[:100])
    if done:
        receipts.deliver_at_once(message.pk, channel)
    return "sent" if done else "lost_lease"


def _recover(message: OutboxMessage, channel) -> str:
    try:
        verdict = channel.recover(message)
    except DeliveryError as exc:
        # The provider cannot be asked now: keep the message and ask again when this lease runs out.
        log.warning("outbox message %s: cannot ask the provider yet: %s", message.pk, exc.message)
        with transaction.atomic():
            OutboxMessage.objects.filter(pk=message.pk, claim=message.claim).update(
                last_error=exc.message[:2000]
            )
        return "recovering"
    if message.sms_id:  # the SMS log says what became of that send
        if verdict == channels.SENT:
            SentSms.objects.filter(pk=message.sms_id).update(ok=True)
        elif verdict == channels.RESEND:
            SentSms.objects.filter(pk=message.sms_id, ok=False, error="").update(
                error="not received: the sender stopped before the provider got it"
            )
    if verdict == channels.SENT:
        done = _finish(
            message,
            Result.CONFIRMED,
            status=Status.SENT,
            error="the worker stopped during the send; the provider confirmed it has the message",
        )
        return "sent" if done else "lost_lease"
    if verdict == channels.RESEND:
        error = "the worker stopped during the send, before the provider got the message"
        if message.attempts >= config()["max_attempts"]:
            done = _finish(message, Result.NOT_RECEIVED, status=Status.FAILED, error=error, last_error=error)
            if done:
                log.error("outbox message %s (%s) failed: %s", message.pk, message.channel, error)
            return "failed"
        done = _finish(
            message, Result.NOT_RECEIVED, status=Status.PENDING, error=error, last_error=error, retry_now=True
        )
        return deliver_one(message.pk) if done else "lost_lease"
    reason = (
        "the worker stopped during the send and the provider cannot tell whether it got the message; "
        "not sent again, so that nobody gets it twice"
    )
    done = _finish(
        message, Result.UNKNOWN, status=Status.FAILED, error=reason, last_error=reason, maybe_sent=True
    )
    if done:
        log.error(
            "outbox message %s (%s to user %s): %s", message.pk, message.channel, message.user_id, reason
        )
    return "failed"


def _record_failure(message: OutboxMessage, exc: DeliveryError) -> str:
    cfg = config()
    final = exc.permanent or message.attempts >= cfg["max_attempts"]
    if final:
        done = _finish(message, Result.ERROR, status=Status.FAILED, error=exc.message, last_error=exc.message)
        if done:
            log.error(
                "outbox message %s (%s to user %s) failed after %s attempt(s): %s",
                message.pk,
                message.channel,
                message.user_id,
                message.attempts,
                exc.message,
            )
            if exc.unreachable:
                _fall_back(message)
        return "failed"
    retry_at = timezone.now() + backoff(message.attempts)
    done = _finish(
        message,
        Result.ERROR,
        status=Status.PENDING,
        error=exc.message,
        last_error=exc.message,
        retry_at=retry_at,
    )
    if done:
        log.warning(
            "outbox message %s (%s) attempt %s failed, retrying at %s: %s",
            message.pk,
            message.channel,
            message.attempts,
            retry_at.isoformat(),
            exc.message,
        )
    return "retry" if done else "lost_lease"


def _finish(
    message: OutboxMessage,
    result: str,
    *,
    status: str,
    error: str = "",
    last_error: str | None = None,
    provider_ref: str | None = None,
    retry_at: dt.datetime | None = None,
    retry_now: bool = False,
    maybe_sent: bool = False,
) -> bool:
    """Record the end of the current try, if this worker still holds the message."""
    now = timezone.now()
    with transaction.atomic():
        current = OutboxMessage.objects.select_for_update().filter(pk=message.pk).first()
        if current is None or current.status != Status.SENDING or current.claim != message.claim:
            log.warning("outbox message %s: the lease was lost before the answer was recorded", message.pk)
            return False
        DeliveryAttempt.objects.create(
            message=current,
            number=current.attempts,
            started_at=current.attempt_started_at or now,
            finished_at=now,
            result=result,
            error=error[:2000],
            retry_at=retry_at,
        )
        current.status = status
        current.lease_until = None
        current.claim = ""
        if last_error is not None:
            current.last_error = last_error[:2000]
        if provider_ref is not None:
            current.provider_ref = provider_ref
        if status == Status.SENT:
            current.sent_at = now
            if current.channel != OutboxMessage.Channel.INBOX and not current.delivery:
                current.delivery = OutboxMessage.Delivery.ACCEPTED
            if current.sms_id and not current.provider_ref:
                current.provider_ref = current.sms.provider_ref
        if maybe_sent:
            current.maybe_sent = True
        if status == Status.PENDING:
            current.next_attempt_at = now if retry_now else retry_at
        current.save()
        if status == Status.SENT:
            signals.message_sent.send(sender=OutboxMessage, message=current)
        if status == Status.PENDING and not retry_now:
            queue([current])
    return True


def _fail(message: OutboxMessage, now: dt.datetime, reason: str, *, unreachable: bool) -> None:
    """Inside the claiming transaction: the message cannot be sent at all on its channel."""
    DeliveryAttempt.objects.create(
        message=message,
        number=message.attempts,
        started_at=now,
        finished_at=now,
        result=Result.ERROR,
        error=reason,
    )
    message.status = Status.FAILED
    message.lease_until = None
    message.claim = ""
    message.last_error = reason
    message.save()
    log.error(
        "outbox message %s (%s to user %s) cannot be sent: %s",
        message.pk,
        message.channel,
        message.user_id,
        reason,
    )
    if unreachable:
        _fall_back(message)


def _fall_back(message: OutboxMessage) -> None:
    """A person WeChat cannot reach (no linked account, unfollowed) gets the SMS instead."""
    if message.channel != OutboxMessage.Channel.WECHAT or not message.user.mobile_enc:
        return
    with transaction.atomic():
        sms, created = OutboxMessage.objects.get_or_create(
            event=message.event,
            channel=OutboxMessage.Channel.SMS,
            user_id=message.user_id,
            defaults={
                "kind": message.kind,
                "title": message.title,
                "body": message.body,
                "link": message.link,
                "estate_id": message.estate_id,
                "not_before": message.not_before,
                "next_attempt_at": timezone.now(),
            },
        )
        if created:
            queue([sms])


# --- retry by hand ----------------------------------------------------------------------------


def retry_failed(ids: Iterable[int], *, include_maybe_sent: bool = False) -> int:
    """Put failed messages back in the queue (an operator, after fixing the cause). Those marked
    ``maybe_sent`` stay failed unless ``include_maybe_sent``: the person may already have them."""
    now = timezone.now()
    with transaction.atomic():
        rows = OutboxMessage.objects.select_for_update().filter(pk__in=list(ids), status=Status.FAILED)
        if not include_maybe_sent:
            rows = rows.filter(maybe_sent=False)
        picked = list(rows)
        for row in picked:
            row.status = Status.PENDING
            row.next_attempt_at = now
            row.attempts = 0
            row.maybe_sent = False
            row.save(update_fields=["status", "next_attempt_at", "attempts", "maybe_sent"])
        queue(picked)
    return len(picked)


# --- the sweep ------------------------------------------------------------------------------


def sweep_once() -> dict[str, int]:
    """Queue again what no live task carries (a lease that ran out: its worker died; a message
    overdue by a lease whose task is not waiting in the queue: lost with a dead worker's batch),
    and purge old SMS codes, the SMS log past its retention and old finished tasks."""
    cfg = config()
    now = timezone.now()
    grace = dt.timedelta(seconds=cfg["lease_seconds"])
    stuck = list(
        OutboxMessage.objects.filter(
            Q(status=Status.SENDING, lease_until__lte=now)
            | Q(status=Status.PENDING, next_attempt_at__lte=now - grace)
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "task_id", "next_attempt_at")[:SWEEP_LIMIT]
    )
    task_ids = {task_id for _, task_id, _ in stuck if task_id}
    waiting = {
        str(pk)
        for pk in DBTaskResult.objects.filter(id__in=list(task_ids), status="READY").values_list(
            "id", flat=True
        )
    }
    lost = [pk for pk, task_id, _ in stuck if task_id not in waiting]
    requeued = 0
    if lost:
        with transaction.atomic():
            rows = list(OutboxMessage.objects.filter(pk__in=lost))
            for row in rows:
                row.next_attempt_at = min(row.next_attempt_at, now)
            queue(rows)
            requeued = len(rows)
        log.warning("outbox sweep: %s message(s) queued again", requeued)

    codes = erase_sms_codes(cutoff=now - SMS_CODE_RETENTION, dry_run=False)
    sms = erase_sent_sms(cutoff=now - dt.timedelta(days=cfg["sent_sms_retention_days"]), dry_run=False)
    tasks = erase_task_results(cutoff=now - dt.timedelta(days=cfg["task_retention_days"]), dry_run=False)
    return {"requeued": requeued, "sms_codes_purged": codes, "sent_sms_purged": sms, "tasks_purged": tasks}


# --- the tasks ------------------------------------------------------------------------------


@task()
def deliver(message_ids: list[int]) -> dict[str, int]:
    return deliver_many(message_ids)


@task()
def sweep() -> dict[str, int]:
    _queue_next_sweep(after=dt.timedelta(seconds=config()["sweep_seconds"]))
    return sweep_once()


def _waiting_sweeps():
    return DBTaskResult.objects.filter(task_path=sweep.module_path, status="READY")


def _queue_next_sweep(*, after: dt.timedelta) -> bool:
    if _waiting_sweeps().exists():
        return False  # another chain is already waiting: the two become one
    sweep.using(run_after=timezone.now() + after).enqueue()
    return True


def ensure_sweep() -> bool:
    """Queue a sweep now unless one is already waiting. True when one was queued."""
    if _waiting_sweeps().exists():
        return False
    sweep.enqueue()
    return True
