"""R-SEC-7: the erasers of the kinds ``notify`` holds or sweeps (``core.retention``): SMS codes
and the SMS log (identity's tables, purged by the outbox sweep too), finished background tasks and
the bodies of old messages (inbox and outbox rows stay, without their text)."""

from __future__ import annotations

import datetime as dt

from django_tasks_db.models import DBTaskResult

from ownervote.core.retention import delete_rows, update_rows
from ownervote.identity.models import SentSms, SmsCode

from .models import Notification, OutboxMessage

FINISHED = [OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED, OutboxMessage.Status.CANCELLED]


def erase_sms_codes(*, cutoff: dt.datetime, dry_run: bool) -> int:
    return delete_rows(SmsCode.objects.filter(created_at__lte=cutoff), dry_run=dry_run)


def erase_sent_sms(*, cutoff: dt.datetime, dry_run: bool) -> int:
    return delete_rows(SentSms.objects.filter(sent_at__lte=cutoff), dry_run=dry_run)


def erase_task_results(*, cutoff: dt.datetime, dry_run: bool) -> int:
    rows = DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"], finished_at__lte=cutoff)
    return delete_rows(rows, dry_run=dry_run)


def erase_message_bodies(*, cutoff: dt.datetime, dry_run: bool) -> int:
    """Inbox messages and finished outgoing ones: the body goes (it may name a flat, a meeting, a
    person); the row, its kind and title stay for the delivery record."""
    inbox = Notification.objects.filter(created_at__lte=cutoff).exclude(body="")
    outbox = OutboxMessage.objects.filter(created_at__lte=cutoff, status__in=FINISHED).exclude(body="")
    return update_rows(inbox, dry_run=dry_run, body="") + update_rows(outbox, dry_run=dry_run, body="")
