"""R-SEC-7: when a meeting ended, for the retention erasers of the apps above (``core.retention``)
whose period runs from it (proxies, impersonation signals).

A meeting ends when its voting closed (status ``closed``, at ``voting_closes_at``, which an approved
extension has already moved) or when it was cancelled (at ``cancelled_at``). A meeting still
voting, or not yet held, has not ended, whatever its dates say."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from .models import MeetingStatus


def ended_by(cutoff: dt.datetime, *, via: str = "") -> Q:
    """Rows whose meeting (reached through ``via``, e.g. ``"meeting__"``) ended at or before
    ``cutoff``: one condition for a filter, so the database joins rather than a loop per row."""
    return Q(**{f"{via}status": MeetingStatus.CLOSED, f"{via}voting_closes_at__lte": cutoff}) | Q(
        **{f"{via}status": MeetingStatus.CANCELLED, f"{via}cancelled_at__lte": cutoff}
    )
