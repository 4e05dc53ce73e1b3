"""R-SEC-7: the eraser of ended bindings (``core.retention``): three years after a binding ended,
the device hash, network address and the note on why it ended go. The row stays (who, which flat,
which roster owner, when, why): ballots refer to it and the binding list's history counts it.
The verification behind it is erased on its own period (``verification.retention``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from ownervote.core.retention import update_rows

from .models import Binding


def erase_ended_bindings(*, cutoff: dt.datetime, dry_run: bool) -> int:
    rows = Binding.objects.filter(status=Binding.Status.ENDED, ended_at__lte=cutoff).filter(
        ~Q(device_hash="") | Q(client_ip__isnull=False) | ~Q(end_note="")
    )
    return update_rows(rows, dry_run=dry_run, device_hash="", client_ip=None, end_note="")
