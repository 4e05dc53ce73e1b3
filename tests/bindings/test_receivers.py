"""What bindings does when the apps below it send a signal (they must not import bindings):
the roster's ``roster_changed`` ends the bindings of owners it no longer lists (R-BIND-2), in the
roster change's own transaction."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from ownervote.audit.models import AuditEvent
from ownervote.bindings.models import Binding
from ownervote.roster.models import Estate, Ownership
from ownervote.roster.signals import roster_changed

SOLD = "1栋101房已过户"


class RolledBack(Exception):
    pass


def _sell_101(owner_world) -> None:
    flat = owner_world["flats"]["1栋-101"]
    Ownership.objects.filter(flat=flat, ended_at__isnull=True).update(ended_at=timezone.now())


def test_roster_changed_ends_the_bindings_of_owners_no_longer_listed(owner_world, staff, estates):  # R-BIND-2
    _sell_101(owner_world)
    with transaction.atomic():
        roster_changed.send(sender=Estate, estate=estates["a"], actor=staff["convener"], note=SOLD)
    binding = Binding.objects.get(pk=owner_world["zhang_binding"].pk)
    assert binding.status == Binding.Status.ENDED
    assert binding.end_reason == Binding.EndReason.OWNERSHIP_CHANGED and binding.end_note == SOLD
    assert binding.ended_by == staff["convener"]
    event = AuditEvent.objects.get(action="binding.ended", object_id=str(binding.pk))
    assert event.summary["note"] == SOLD and event.actor == staff["convener"]
    assert Binding.objects.get(pk=owner_world["li_binding"].pk).status == Binding.Status.ACTIVE


def test_the_bindings_end_in_the_roster_changes_transaction(owner_world, staff, estates):  # R-BIND-2
    _sell_101(owner_world)
    with pytest.raises(RolledBack), transaction.atomic():
        roster_changed.send(sender=Estate, estate=estates["a"], actor=staff["convener"], note=SOLD)
        raise RolledBack  # the roster change fails after the signal: nothing of it stays
    assert Binding.objects.get(pk=owner_world["zhang_binding"].pk).status == Binding.Status.ACTIVE
    assert not AuditEvent.objects.filter(action="binding.ended").exists()
