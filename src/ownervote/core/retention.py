"""R-SEC-7: the erasers of the retention job, one per kind of personal data (``rules.retention``).

The job (``audit.retention.erase_expired``) sits low in the layers and must not import the apps
that hold the data. So each app registers, in its ``AppConfig.ready()``, the eraser of each kind it
holds (``@retention.eraser("verification")``): a function of ``(*, cutoff, dry_run)`` that erases
or anonymises, row by row, what expired (its time ``<= cutoff``) and has not been erased yet, and
returns how many rows it changed (with ``dry_run``: would change, changing nothing). It runs in the
job's transaction for its kind; it never touches append-only tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.sessions.models import Session
from django.db.models import QuerySet

from ownervote.rules.retention import RULES

Eraser = Callable[..., int]
_erasers: dict[str, Eraser] = {}


def eraser(kind: str) -> Callable[[Eraser], Eraser]:
    """Register the decorated function as the eraser of ``kind`` (a key of ``rules.retention.RULES``)."""
    if kind not in RULES:
        raise KeyError(f"no retention rule for {kind!r} (rules/retention.py)")

    def register(fn: Eraser) -> Eraser:
        if _erasers.get(kind) not in (None, fn):
            raise ValueError(f"a second eraser for {kind!r}")
        _erasers[kind] = fn
        return fn

    return register


def erasers() -> dict[str, Eraser]:
    """Every registered eraser, in the order of the rules' table."""
    return {kind: _erasers[kind] for kind in RULES if kind in _erasers}


CHUNK = 500  # rows per statement


def _locked_pks(rows: QuerySet) -> list:
    return list(rows.order_by("pk").select_for_update().values_list("pk", flat=True))


def delete_rows(rows: QuerySet, *, dry_run: bool) -> int:
    """Delete ``rows`` (locked first, then row by row in chunks); how many."""
    if dry_run:
        return rows.count()
    pks = _locked_pks(rows)
    for start in range(0, len(pks), CHUNK):
        rows.model._base_manager.filter(pk__in=pks[start : start + CHUNK]).delete()
    return len(pks)


def update_rows(rows: QuerySet, *, dry_run: bool, **values) -> int:
    """Set ``values`` on ``rows`` (locked first; a row that no longer matches once locked is
    left alone); how many."""
    if dry_run:
        return rows.count()
    pks = _locked_pks(rows)
    done = 0
    for start in range(0, len(pks), CHUNK):
        done += rows.filter(pk__in=pks[start : start + CHUNK]).update(**values)
    return done


def erase_sessions(*, cutoff: dt.datetime, dry_run: bool) -> int:
    """Sessions past their expiry (what ``clearsessions`` does for the database backend)."""
    return delete_rows(Session.objects.filter(expire_date__lte=cutoff), dry_run=dry_run)
