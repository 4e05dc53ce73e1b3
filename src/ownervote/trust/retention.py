"""R-SEC-7: the eraser of impersonation signals (``core.retention``, kind ``signal``).

Three years after the latest of the meeting's end (``meetings.retention.ended_by``: voting closed
or the meeting cancelled; a signal without a meeting has none), the signal's last detection and
its last review, the signal's evidence (the acts it rests on, with masked mobiles, devices,
addresses, names and flats) is emptied and its key, a keyed hash of the mobile, device, address or
ID number the finding groups by, is replaced by ``erased:<id>``. The row stays (estate, meeting,
kind, how many acts, the measure, status, reviews), so oversight still counts it. Detection looks
only at the last 60 days (``trust.facts.RECENT``), so it never fills an erased signal again.

Kept: the reviews (``SignalReview``: outcome, reason, the reviewer's real name as the record of
who decided) and the reveals' log (which item, why, by whom), which hold no owner's data."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat

from ownervote.core.retention import update_rows
from ownervote.meetings.retention import ended_by

from .models import Signal

ERASED = "erased:"


def expired(cutoff: dt.datetime) -> Q:
    return (
        Q(last_seen_at__lte=cutoff)
        & (Q(reviewed_at__isnull=True) | Q(reviewed_at__lte=cutoff))
        & (Q(meeting__isnull=True) | ended_by(cutoff, via="meeting__"))
    )


def erase_signals(*, cutoff: dt.datetime, dry_run: bool) -> int:
    rows = Signal.objects.filter(expired(cutoff)).exclude(key__startswith=ERASED)
    return update_rows(
        rows,
        dry_run=dry_run,
        evidence=[],
        key=Concat(Value(ERASED), Cast("pk", CharField()), output_field=CharField()),
    )
