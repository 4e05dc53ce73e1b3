"""R-SEC-7: the eraser of objections to a result (``core.retention``, kind ``result_objection``).

Three years after the result's publicity ended (the day after ``answer_by``, the publicity's last
day) and after the objection was answered and closed (accepted, disputed or sent to the street
office), the owner's text and the receipt code they gave (which leads to their ballot) go. The
row stays (meeting, flat, kind, status, the convener's answer, the dates, the complaint it became),
so the result's record of objections still counts it. An objection still awaiting its answer is
left alone. A complaint it became is erased by its own rule (``complaints.retention``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from ownervote.core.retention import update_rows

from .models import ResultObjection


def expired(cutoff: dt.datetime) -> Q:
    return (
        Q(answer_by__lt=cutoff.date())
        & ~Q(status=ResultObjection.Status.OPEN)
        & (Q(answered_at__isnull=True) | Q(answered_at__lte=cutoff))
        & (Q(closed_at__isnull=True) | Q(closed_at__lte=cutoff))
    )


def erase_result_objections(*, cutoff: dt.datetime, dry_run: bool) -> int:
    rows = ResultObjection.objects.filter(expired(cutoff)).filter(~Q(text="") | ~Q(receipt=""))
    return update_rows(rows, dry_run=dry_run, text="", receipt="")
