"""Scoped reads of complaints (R-SEC-4): the complainant's own, the handling office's queue, and
the oversight figures of a district bureau or the city operator (without who complained)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.bindings.selectors import active_bindings, matches
from ownervote.core.access import fetch
from ownervote.core.errors import NotFound
from ownervote.meetings.models import Meeting
from ownervote.orgs import scoping
from ownervote.orgs.models import Division
from ownervote.roster.models import Estate, Ownership
from ownervote.verification.selectors import verified_identity

from . import permissions
from .access import COMPLAINT_RELATED
from .errors import Code
from .models import Complaint, open_q, overdue_q

OVERDUE_LIST_LIMIT = 200


def mine(user) -> QuerySet[Complaint]:
    """The user's own complaints, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    return Complaint.objects.filter(filed_by=user, on_own_initiative=False).select_related(
        "estate", "meeting"
    )


def complainable_estates(user) -> list[Estate]:
    """The estates the user is an owner of (``permissions.is_owner_of``): where they may complain."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = set(active_bindings(user).values_list("estate_id", flat=True))
    ids |= {m.flat.estate_id for m in matches(verified_identity(user))}
    if getattr(user, "mobile_hash", ""):
        ids |= set(
            Ownership.objects.filter(
                ended_at__isnull=True, flat__removed_at__isnull=True, owner__mobile_hash=user.mobile_hash
            ).values_list("flat__estate_id", flat=True)
        )
    return list(Estate.objects.filter(pk__in=ids).order_by("name", "pk"))


def complainable_meetings(estates) -> list[Meeting]:
    """The estates' meetings a complaint may name: every one entered in the system (not drafts)."""
    return list(
        Meeting.objects.filter(estate__in=list(estates))
        .exclude(status=Meeting.Status.DRAFT)
        .select_related("convener", "estate")
        .order_by("-starts_at", "-pk")
    )


def handled_q(user) -> Q:
    """The complaints ``user``'s offices handle, as a filter."""
    q = Q(pk__in=[])
    for a in scoping.approved_associations(user):
        if a.division_id and a.organisation.kind in {scoping.K.STREET_OFFICE, scoping.K.DISTRICT_BUREAU}:
            q |= Q(handler_kind=a.organisation.kind, handler_division_id=a.division_id)
    return q


def queue(user, *, status: str = "", today: dt.date | None = None) -> list[Complaint]:
    """The handling office's complaints: overdue first, then open ones by their deadline, then the
    closed ones, newest first. Each carries ``overdue`` and ``last_day``."""
    today = today or timezone.localdate()
    rows = Complaint.objects.filter(handled_q(user)).select_related("estate", "meeting")
    if status in Complaint.Status.values:
        rows = rows.filter(status=status)
    found = list(rows)
    for c in found:
        c.overdue = c.overdue_on(today)
        c.last_day = c.deadline()
    found.sort(
        key=lambda c: (
            not c.overdue,
            c.last_day is None,
            c.last_day or dt.date.max,
            -c.filed_at.timestamp(),
        )
    )
    return found


def open_count(user, today: dt.date | None = None) -> tuple[int, int]:
    """(open, overdue) complaints of the user's offices."""
    today = today or timezone.localdate()
    rows = Complaint.objects.filter(handled_q(user))
    return rows.filter(open_q()).count(), rows.filter(overdue_q(today)).count()


@dataclass
class Figures:
    division: Division
    roots: list[Division]
    by_status: dict[str, int] = field(default_factory=dict)
    total: int = 0
    overdue_accept: int = 0
    overdue_conclude: int = 0
    overdue: list[Complaint] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # one per child division

    @property
    def overdue_total(self) -> int:
        return self.overdue_accept + self.overdue_conclude


def _division_for(user, division_id: int | None) -> tuple[Division, list[Division]]:
    roots = permissions.oversight_roots(user)
    if division_id is None:
        return roots[0], roots
    division = fetch(Division.objects, division_id)
    if division is None or not any(division.path.startswith(r.path) for r in roots):
        raise NotFound(Code.DIVISION_NOT_FOUND, _("Division not found."))
    return division, roots


def figures(user, *, division_id: int | None = None, today: dt.date | None = None) -> Figures:
    """The complaints of the estates in ``division_id`` (default: the user's highest oversight
    division): counts by status, overdue ones (no identity) and a row per child division. The
    caller checked ``permissions.can_oversee``."""
    today = today or timezone.localdate()
    division, roots = _division_for(user, division_id)
    scope = Complaint.objects.filter(estate__street__path__startswith=division.path)
    result = Figures(division=division, roots=roots)
    counts = dict(scope.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    result.by_status = {s: counts.get(s, 0) for s in Complaint.Status.values}
    result.total = sum(result.by_status.values())
    result.overdue_accept = scope.filter(status=Complaint.Status.SUBMITTED, accept_by__lt=today).count()
    result.overdue_conclude = scope.filter(status=Complaint.Status.ACCEPTED, conclude_by__lt=today).count()
    overdue = list(
        scope.filter(overdue_q(today))
        .select_related(*COMPLAINT_RELATED)
        .order_by("accept_by", "pk")[:OVERDUE_LIST_LIMIT]
    )
    for c in overdue:
        c.last_day = c.deadline()
        c.days_late = (today - c.last_day).days
    result.overdue = overdue
    for child in Division.objects.filter(parent=division).order_by("code", "pk"):
        part = scope.filter(estate__street__path__startswith=child.path)
        result.rows.append(
            {
                "division": child,
                "total": part.count(),
                "open": part.filter(open_q()).count(),
                "overdue": part.filter(overdue_q(today)).count(),
            }
        )
    return result
