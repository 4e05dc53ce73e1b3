"""Telling people what happened to them: an inbox row each, and a copy by WeChat or SMS where asked.

Every message is an ``OutboxMessage`` written in the caller's transaction, so a rolled back
change tells nobody and a committed one is never forgotten: the worker (``notify.tasks``) sends
what must leave the site, with retries. An inbox message due now is written at once (the same
transaction); a scheduled one reaches the inbox at its time.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from functools import cache

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core import bulk, prepared
from ownervote.core.errors import InvalidInput, NotFound, require
from ownervote.identity import wechat
from ownervote.identity.models import WeChatAccount
from ownervote.rules import sms as sms_rules

from . import signals, tasks
from .access import access_notifications, own_notifications
from .errors import Code
from .models import Notification, OutboxMessage

log = logging.getLogger(__name__)

Channel = OutboxMessage.Channel
Status = OutboxMessage.Status
# The most characters of a title sent outside the site: the SMS provider's variable limit
# (``channels.SmsChannel.TITLE_MAX``) and a WeChat "thing" keyword's (``wechat.THING_MAX``).
SMS_TITLE_MAX = 20


def notify(
    *,
    users: Iterable,
    kind: str,
    title: str,
    body: str,
    link: str = "",
    estate=None,
    sms: bool = False,
    event: str = "",
    not_before: dt.datetime | None = None,
    new_event: bool = False,
    sms_title: str = "",
) -> list[Notification]:
    """Tell each distinct user, in the caller's transaction. Returns the inbox rows written now.

    - Inbox: always. Due now (``not_before`` empty or past): the ``Notification`` is written here;
      otherwise the worker writes it at ``not_before``.
    - ``sms``: a copy outside the site as well: a WeChat template message to a person who linked
      WeChat (when the notice template is configured), else an SMS (the provider's ``notice``
      template carrying ``title``) to one with a mobile number. A person WeChat cannot reach gets
      the SMS instead.
    - ``sms_title``: the title those copies carry, composed to fit ``SMS_TITLE_MAX`` characters (the
      provider's variable and WeChat's keyword limit; the SMS then fits one segment): with a meeting's
      name, ``short_title``. Without one, ``title`` goes when it fits, else cut at a word's end
      (``rules.sms.fit``) with a warning in the log: a message nobody composed for an SMS.
    - ``event`` names what happened ("meeting.invitation:42"); each (event, channel, user) is
      delivered at most once, so calling again with the same event adds nothing for the people
      already told. Without one, every call is its own event. ``new_event``: the caller knows that
      nothing was sent for ``event`` yet (it names a row made in this transaction), so the
      lookup of who was already told is skipped.
    """
    now = timezone.now()
    due = not_before is None or not_before <= now
    when = now if due else not_before
    given_event = bool(event)
    event = event or f"{kind}:{uuid.uuid4().hex}"
    people = []
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        people.append(user)
    if not people:
        return []
    title, body = str(title)[:200], str(body)
    short = _short(sms_title or title, kind) if sms else ""

    fresh = new_event or not given_event
    # No savepoint: an error here fails the caller's transaction, which is what it must do.
    with transaction.atomic(savepoint=False):
        done = set()
        if not fresh:
            told = OutboxMessage.objects.filter(event=event, user__in=people)
            done = set(told.values_list("channel", "user_id"))
        wechat_users = _wechat_reachable(people) if sms else set()
        fields = dict(kind=kind, title=title, body=body, link=link, estate=estate, event=event)
        inbox_now, later = [], []
        for user in people:
            wanted = [Channel.INBOX]
            if sms:
                if user.pk in wechat_users:
                    wanted.append(Channel.WECHAT)
                elif user.mobile_enc:
                    wanted.append(Channel.SMS)
            for channel in wanted:
                if (channel, user.pk) in done:
                    continue
                row = OutboxMessage(
                    user=user, channel=channel, not_before=when, next_attempt_at=when, **fields
                )
                if channel != Channel.INBOX:
                    row.title = short
                (inbox_now if channel == Channel.INBOX and due else later).append(row)

        notes = [
            Notification(user=row.user, kind=kind, title=title, body=body, link=link, estate=estate)
            for row in inbox_now
        ]
        for row in inbox_now:
            row.status, row.sent_at = Status.SENT, now
        if notes and connection.vendor == "postgresql":
            _insert_inbox(notes, inbox_now)
        else:
            Notification.objects.bulk_create(notes)
            for row, note in zip(inbox_now, notes, strict=True):
                row.notification = note
            OutboxMessage.objects.bulk_create(inbox_now)
        pending = OutboxMessage.objects.bulk_create(later)
        if any(row.pk is None for row in pending):  # a database that returns no ids on bulk insert
            pending = list(OutboxMessage.objects.filter(event=event, status=Status.PENDING, user__in=people))
        tasks.queue(pending)
    return notes


def short_title(pattern: str, *, meeting: str, estate: str = "") -> str:
    """An SMS title from ``pattern`` (translated, with one ``%(name)s``) and a meeting's name,
    the name shortened where it must be (``rules.sms.shorten_meeting_name``) so that the title fits
    ``SMS_TITLE_MAX``. ``estate``: the estate's name, which the name may lose first."""
    return sms_rules.compose(str(pattern), str(meeting), SMS_TITLE_MAX, estate=str(estate or ""))


def _short(title: str, kind: str) -> str:
    title = str(title)
    if len(title) <= SMS_TITLE_MAX:
        return title
    log.warning("a %s message has no SMS title that fits; its title is cut: %s", kind, title)
    return sms_rules.fit(title, SMS_TITLE_MAX)


def _insert_inbox(notes: list[Notification], rows: list[OutboxMessage]) -> None:
    """The inbox rows and their outbox records (one per person) in one statement (PostgreSQL):
    a ballot's receipt is written on the path every cast takes. Sets the notifications' ids, at
    the end of the ``prepared.batch()`` it runs in if any (the cast's)."""
    n_fields, o_fields = _inbox_fields()
    n_cols, n_rows, n_params = bulk.unnest_of(n_fields, notes)
    users = [row.user_id for row in rows]
    o_cols, o_rows, o_params = bulk.unnest_of(o_fields, rows, keys=[("k_user", "bigint", users)])

    def inserted(cursor) -> None:
        ids = dict((user_id, pk) for pk, user_id in cursor.fetchall())
        for note, row in zip(notes, rows, strict=True):
            bulk.saved(note, ids[note.user_id])
            row.notification = note

    prepared.deferred(_inbox_sql(n_cols, n_rows, o_cols, o_rows), n_params + o_params, then=inserted)


@cache
def _inbox_fields() -> tuple[tuple, tuple]:
    """The notification's columns, and the outbox record's but the notification it points to."""
    outbox = bulk.columns_of(OutboxMessage, skip=["notification_id"])
    return tuple(bulk.columns_of(Notification)), tuple(outbox)


@cache
def _inbox_sql(n_cols: str, n_rows: str, o_cols: str, o_rows: str) -> str:
    """The statement of ``_insert_inbox``: the same text for one person or ten thousand, composed
    once per process and kept prepared (core.prepared)."""
    qn = connection.ops.quote_name
    o_fields = _inbox_fields()[1]
    o_names = ", ".join(qn(f.column) for f in o_fields)
    o_only = ", ".join(f"v.{qn(f.column)}" for f in o_fields)
    # Names come from the models' _meta and are quoted; every value is a parameter, one array per
    # column.
    return f"""
WITH n AS (
  INSERT INTO {qn(Notification._meta.db_table)} ({n_cols}) SELECT * FROM {n_rows} AS v({n_cols})
  RETURNING id, user_id
), o AS (
  INSERT INTO {qn(OutboxMessage._meta.db_table)} (notification_id, {o_names})
  SELECT n.id, {o_only} FROM n JOIN {o_rows} AS v({o_cols}) ON v.k_user = n.user_id
)
SELECT id, user_id FROM n"""  # noqa: S608


def _wechat_reachable(people: list) -> set[int]:
    """The users who get their notices by WeChat: linked to our official account, template set."""
    if not wechat.notice_template_enabled():
        return set()
    app_id = wechat.config()["app_id"]
    return set(WeChatAccount.objects.filter(user__in=people, app_id=app_id).values_list("user_id", flat=True))


def cancel_pending(*, event: str = "", event_prefix: str = "") -> int:
    """Cancel every message of ``event`` (or of every event starting with ``event_prefix``) that
    has not left yet (pending, on any channel, for anyone), e.g. a rescheduled meeting's
    invitation; in the caller's transaction. A message being sent at this moment is not stopped.
    Returns how many were cancelled."""
    if bool(event) == bool(event_prefix):
        raise ValueError("cancel_pending takes event or event_prefix, not both")
    match = {"event": event} if event else {"event__startswith": event_prefix}
    with transaction.atomic():
        return OutboxMessage.objects.filter(status=Status.PENDING, **match).update(
            status=Status.CANCELLED, task_id=""
        )


def inbox_for(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first (nobody reads another's inbox)."""
    return own_notifications(user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return own_notifications(user).filter(read_at__isnull=True).count()


MAX_IDS = 500


def mark_read(*, actor, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read: those in ``ids``, or every unread one when ``ids`` is
    None. An id that is not the actor's (or does not exist) refuses the whole request and changes
    nothing. Returns how many were unread and are now read (already read ones are left as they
    were); the audit event is written only when something changed."""
    require(
        getattr(actor, "is_authenticated", False),
        NotFound(Code.NOTIFICATION_NOT_FOUND, _("Message not found.")),
    )
    with transaction.atomic():
        mine = own_notifications(actor)
        if ids is not None:
            wanted = {int(i) for i in ids}
            require(
                len(wanted) <= MAX_IDS,
                InvalidInput(
                    Code.TOO_MANY,
                    _("At most %(n)d messages can be marked at once.") % {"n": MAX_IDS},
                ),
            )
            mine = access_notifications(actor, wanted)
        unread = list(mine.filter(read_at__isnull=True).select_for_update().values_list("pk", flat=True))
        if not unread:
            return 0
        now = timezone.now()
        Notification.objects.filter(pk__in=unread).update(read_at=now)
        signals.notifications_read.send(sender=Notification, user=actor, ids=unread, at=now)
        record(
            actor=actor,
            action="notify.read",
            object_type="notify.notification",
            summary={"count": len(unread), "all": ids is None},
        )
    return len(unread)
