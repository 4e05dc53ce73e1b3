"""Reaching an object: the one pattern every app's ``access_<kind>()`` is built on.

An app's ``access.py`` has one function per kind of object it owns, e.g.
``access_meeting(actor, meeting_id, *, need=Need.SEE, lock=False)``: it fetches the row (locked
with ``SELECT ... FOR UPDATE`` when the caller is about to change it), answers ``NotFound`` when it
does not exist *or the actor may not see it* (the two look the same, so an id reveals nothing),
then ``Forbidden`` when the actor sees it but lacks what ``need`` asks (decided by the app's
``permissions.py``). Every service, view and API endpoint reaches objects through these, so the
check cannot be forgotten or written two ways.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db.models import Model, QuerySet

from .errors import Forbidden, NotFound

M = TypeVar("M", bound=Model)


def fetch(queryset: QuerySet[M], pk, *, lock: bool = False) -> M | None:
    """The row ``pk`` of ``queryset`` (locked for update when ``lock``), or None. A ``pk`` that is
    not a valid key (a string in a URL, say) is simply not found."""
    if lock:
        queryset = queryset.select_for_update()
    try:
        return queryset.filter(pk=pk).first()
    except (TypeError, ValueError):
        return None


def reach(
    queryset: QuerySet[M],
    pk,
    *,
    lock: bool,
    sees: Callable[[M], bool],
    may: Callable[[M], bool],
    missing: NotFound,
    refused: Forbidden,
) -> M:
    """``fetch``, then ``missing`` unless ``sees(obj)``, then ``refused`` unless ``may(obj)``."""
    obj = fetch(queryset, pk, lock=lock)
    if obj is None or not sees(obj):
        raise missing
    if not may(obj):
        raise refused
    return obj
