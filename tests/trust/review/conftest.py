"""Fixtures for reviewing impersonation signals (R-TRUST-1): signals written directly (detection is
built elsewhere) over estate a's bindings (tests/conftest.py ``owner_world``), with their evidence
masked as detection stores it."""

from __future__ import annotations

import datetime as dt

import pytest

from ownervote.audit.models import AuditEvent
from ownervote.trust.models import Kind, Signal

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
_keys = iter(range(1, 10_000))


def evidence_of(bindings) -> list[dict]:
    """The masked evidence of bindings, as detection writes it: the flat, the owner's name and the
    account's mobile, masked."""
    return [
        {
            "type": "binding",
            "id": b.pk,
            "flat": f"{b.flat.building.name}-{b.flat.room}",
            "owner": b.owner.name_masked,
            "mobile": b.user.mobile_masked,
            "at": b.bound_at.isoformat(),
        }
        for b in bindings
    ]


@pytest.fixture
def make_signal(owner_world, estates, geo):
    """make_signal(**fields) -> an open shared-mobile signal in estate a over zhang's and li's
    bindings, handled by Shatou street office; any field can be overridden."""

    def make(**fields) -> Signal:
        evidence = fields.pop("evidence", None)
        if evidence is None:
            evidence = evidence_of([owner_world["zhang_binding"], owner_world["li_binding"]])
        values = {
            "estate": estates["a"],
            "kind": Kind.SHARED_MOBILE,
            "key": f"k{next(_keys)}",
            "measure": {"flats": 2, "owners": 2, "threshold": {"flats": 2, "owners": 2}},
            "evidence": evidence,
            "evidence_count": len(evidence),
            "handler_kind": "street_office",
            "handler_division": geo["shatou"],
            "first_seen_at": NOW - dt.timedelta(days=1),
            "last_seen_at": NOW,
        }
        values.update(fields)
        return Signal.objects.create(**values)

    return make


@pytest.fixture
def signal(make_signal) -> Signal:
    return make_signal()


def actions(estate=None) -> list[str]:
    rows = AuditEvent.objects.all()
    if estate is not None:
        rows = rows.filter(estate_id=estate.pk)
    return list(rows.order_by("id").values_list("action", flat=True))
