"""Reads of objections for the pages, the API, the result pages' line and the to-dos."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, IntegerField, Min, Q, QuerySet, Value, When

from ownervote.orgs import scoping

from .access import OBJECTION_RELATED
from .models import ResultObjection

S = ResultObjection.Status
ANSWERED_STATUSES = (S.ANSWERED, S.ACCEPTED, S.DISPUTED)


def mine(user) -> QuerySet[ResultObjection]:
    return ResultObjection.objects.filter(raised_by=user).select_related(*OBJECTION_RELATED)


def of_meeting(meeting) -> QuerySet[ResultObjection]:
    """Open ones first, by their last day; then the rest, newest first."""
    return (
        ResultObjection.objects.filter(meeting=meeting)
        .select_related(*OBJECTION_RELATED)
        .annotate(
            waiting=Case(When(status=S.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("waiting", "answer_by", "-raised_at", "-id")
    )


def counts(meeting) -> tuple[int, int]:
    """(raised, answered) for the meeting's result: the owners' objections (a referred signal is
    not one)."""
    row = (
        ResultObjection.objects.filter(meeting=meeting)
        .exclude(kind=ResultObjection.Kind.REFERRED)
        .aggregate(n=Count("pk"), answered=Count("pk", filter=Q(status__in=ANSWERED_STATUSES)))
    )
    return row["n"], row["answered"]


def open_for_convener(user) -> list[dict]:
    """Per meeting the user's organisations convene: ``meeting_id``, ``n`` open objections and
    ``first`` their earliest last day."""
    org_ids = [a.organisation_id for a in scoping.approved_associations(user)]
    if not org_ids:
        return []
    return list(
        ResultObjection.objects.filter(status=S.OPEN, meeting__convener_id__in=org_ids)
        .values("meeting_id")
        .annotate(n=Count("pk"), first=Min("answer_by"))
        .order_by("first", "meeting_id")
    )


def for_supervisor(user, today: dt.date) -> tuple[int, int]:
    """(disputed or escalated, open past their last day) objections of the meetings ``user``
    supervises (the street office; the district bureau where the street office convened)."""
    if not scoping.is_supervisor(user):
        return 0, 0
    rows = ResultObjection.objects.filter(
        scoping.supervised_q(user, estate="estate", convener_kind="meeting__convener__kind")
    )
    sent = rows.filter(status__in=[S.DISPUTED, S.COMPLAINT], complaint__status__in=["submitted", "accepted"])
    overdue = rows.filter(status=S.OPEN, answer_by__lt=today)
    return sent.count(), overdue.count()
