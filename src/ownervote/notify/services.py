"""Telling people what happened to them: an inbox row each, and an SMS copy where asked.

Rows are written in the caller's transaction; the SMS leaves only after it commits, so a rolled
back change never texts anybody. (The meetings issue moves the sending onto a durable outbox.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core import crypto
from ownervote.core.errors import InvalidInput, NotFound, require

from .models import Notification

log = logging.getLogger(__name__)


def notify(
    *,
    users: Iterable,
    kind: str,
    title: str,
    body: str,
    link: str = "",
    estate=None,
    sms: bool = False,
) -> list[Notification]:
    """One notification per distinct user. With ``sms``, each user with a mobile number also
    gets the provider's ``notice`` template carrying ``title``."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                user=user, kind=kind, title=str(title)[:200], body=str(body), link=link, estate=estate
            )
        )
    Notification.objects.bulk_create(rows)
    if sms:
        targets = [(row.user.mobile_enc, str(title)) for row in rows if row.user.mobile_enc]
        transaction.on_commit(lambda: _send_sms(targets))
    return rows


def _send_sms(targets: list[tuple[str, str]]) -> None:
    from ownervote.identity.sms import send_sms

    for mobile_enc, title in targets:
        try:
            send_sms(mobile=crypto.decrypt_text(mobile_enc), template="notice", params={"title": title[:20]})
        except Exception:  # an SMS outage must not break the change that already committed
            log.exception("notice SMS failed")


def inbox_for(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first (nobody reads another's inbox)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


MAX_IDS = 500


def mark_read(*, actor, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read: those in ``ids``, or every unread one when ``ids`` is
    None. An id that is not the actor's (or does not exist) refuses the whole request and changes
    nothing. Returns how many were unread and are now read (already read ones are left as they
    were); the audit event is written only when something changed."""
    require(
        getattr(actor, "is_authenticated", False), NotFound("notification.not_found", _("Message not found."))
    )
    with transaction.atomic():
        mine = Notification.objects.filter(user=actor)
        if ids is not None:
            wanted = {int(i) for i in ids}
            require(
                len(wanted) <= MAX_IDS,
                InvalidInput(
                    "notification.too_many",
                    _("At most %(n)d messages can be marked at once.") % {"n": MAX_IDS},
                ),
            )
            found = set(mine.filter(pk__in=wanted).values_list("pk", flat=True))
            require(found == wanted, NotFound("notification.not_found", _("Message not found.")))
            mine = mine.filter(pk__in=wanted)
        unread = list(mine.filter(read_at__isnull=True).select_for_update().values_list("pk", flat=True))
        if not unread:
            return 0
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
        record(
            actor=actor,
            action="notify.read",
            object_type="notify.notification",
            summary={"count": len(unread), "all": ids is None},
        )
    return len(unread)
