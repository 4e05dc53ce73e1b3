"""Telling people what happened to them: an inbox row each, and an SMS copy where asked.

Rows are written in the caller's transaction; the SMS leaves only after it commits, so a rolled
back change never texts anybody. (The meetings issue moves the sending onto a durable outbox.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from ownervote.core import crypto

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
            Notification(user=user, kind=kind, title=str(title)[:200], body=str(body), link=link, estate=estate)
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


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
