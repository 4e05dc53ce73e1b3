"""R-SEC-7: the retention job. Every kind of personal data whose period (``rules.retention``) has
run out is erased or anonymised by the eraser its app registered (``core.retention``).

``erase_expired`` runs each kind in its own transaction: the eraser locks and changes the expired
rows, and an audit event ``retention.erased`` records the kind, how many rows, the period and the
cutoff (never the data itself), committed with the change. A kind with nothing expired writes no
event, so a second run changes nothing. ``dry_run`` counts what would change and changes nothing.

Not erased here, because the law keeps them (规则第三条第（四）项、第二十七条; 网安法 21): results,
ballots and the submissions behind them (append-only tables), the audit chain, receipts.

Run daily by the worker (``audit.tasks.erase_expired_daily``) and by ``manage.py erase_expired``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ownervote.core import retention
from ownervote.rules.retention import RULES, cutoff

from .services import record

ACTOR = "system:retention"


def erase_expired(*, actor=ACTOR, now: dt.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Erase or anonymise what has expired, kind by kind; how many rows each kind changed (or,
    with ``dry_run``, would change)."""
    now = timezone.localtime(now or timezone.now())
    counts: dict[str, int] = {}
    for kind, eraser in retention.erasers().items():
        rule = RULES[kind]
        before = cutoff(now, rule.period)
        with transaction.atomic():
            counts[kind] = eraser(cutoff=before, dry_run=dry_run)
            if counts[kind] and not dry_run:
                record(
                    actor=actor,
                    action="retention.erased",
                    object_type="retention",
                    object_id=kind,
                    summary={
                        "kind": kind,
                        "action": rule.action,
                        "rows": counts[kind],
                        "period": rule.period.describe(),
                        "cutoff": before.isoformat(),
                    },
                )
    return counts
