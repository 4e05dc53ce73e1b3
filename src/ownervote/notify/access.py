"""Reaching notifications (``core.access``): everyone reaches only their own. An id that is not the
actor's answers ``notification.not_found``, exactly like one that does not exist."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ownervote.core.errors import NotFound

from .errors import Code
from .models import Notification


def own_notifications(actor) -> QuerySet[Notification]:
    """The actor's notifications (none for an anonymous visitor)."""
    if not getattr(actor, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=actor)


def access_notifications(actor, ids: Iterable[int]) -> QuerySet[Notification]:
    """The actor's notifications ``ids``, all of them: one that is not theirs (or missing) refuses
    the whole set."""
    wanted = set(ids)
    mine = own_notifications(actor).filter(pk__in=wanted)
    if set(mine.values_list("pk", flat=True)) != wanted:
        raise NotFound(Code.NOTIFICATION_NOT_FOUND, _("Message not found."))
    return mine
