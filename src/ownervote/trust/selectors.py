"""Scoped reads of impersonation signals (R-TRUST-1): the handling office's list (open first),
the district bureau's read-only view of its streets' signals, and one signal's history."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ownervote.orgs import scoping

from .access import SIGNAL_RELATED
from .models import Kind, Signal, SignalReveal, SignalReview

K = scoping.K


def handled_q(user) -> Q:
    """The signals ``user``'s offices handle (review and reveal), as a filter."""
    q = Q(pk__in=[])
    for a in scoping.approved_associations(user):
        if a.division_id and a.organisation.kind in {K.STREET_OFFICE, K.DISTRICT_BUREAU}:
            q |= Q(handler_kind=a.organisation.kind, handler_division_id=a.division_id)
    return q


def visible_q(user) -> Q:
    """What ``user`` sees: what it handles, and as a district bureau the signals its street offices
    handle (read-only)."""
    q = handled_q(user)
    for a in scoping.approved_associations(user):
        if a.division_id and a.organisation.kind == K.DISTRICT_BUREAU:
            q |= Q(handler_kind=K.STREET_OFFICE, handler_division__parent_id=a.division_id)
    return q


def visible(user) -> QuerySet[Signal]:
    if not getattr(user, "is_authenticated", False):
        return Signal.objects.none()
    return Signal.objects.filter(visible_q(user)).select_related(*SIGNAL_RELATED)


def signal_list(user, *, status: str = "", kind: str = "", estate_id: int | None = None) -> list[Signal]:
    """The signals ``user`` sees, open ones first, then the most recently detected. Filters: a
    status, a kind, an estate (unknown values are ignored)."""
    rows = visible(user)
    if status in Signal.Status.values:
        rows = rows.filter(status=status)
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    if estate_id:
        rows = rows.filter(estate_id=estate_id)
    found = list(rows.order_by("-last_seen_at", "-pk"))
    found.sort(key=lambda s: s.status != Signal.Status.OPEN)  # stable: keeps the recency order
    return found


def open_count(user) -> int:
    """The open signals the user's offices handle (what the home page asks them to review)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Signal.objects.filter(handled_q(user), status=Signal.Status.OPEN).count()


def estates_with_signals(user) -> list[tuple[int, str]]:
    """(id, name) of the estates of the signals ``user`` sees: the estate filter's choices."""
    return sorted(set(visible(user).values_list("estate_id", "estate__name")), key=lambda e: (e[1], e[0]))


def reviews(signal: Signal) -> list[SignalReview]:
    return list(signal.reviews.select_related("organisation").order_by("at", "pk"))


def reveals(signal: Signal) -> list[SignalReveal]:
    return list(signal.reveals.select_related("by").order_by("at", "pk"))
