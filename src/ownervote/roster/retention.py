"""R-SEC-7: the eraser of roster imports (``core.retention``): 30 days after upload the file's
content and the sealed rows go; the batch row, its counts and errors stay. A batch still waiting
to be applied by then is discarded (its preview would be stale anyway)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from ownervote.core import files

from .models import ImportBatch


def erase_imports(*, cutoff: dt.datetime, dry_run: bool) -> int:
    rows = ImportBatch.objects.filter(created_at__lte=cutoff).filter(
        Q(file__erased_at__isnull=True) | Q(status=ImportBatch.Status.PREVIEWED)
    )
    if dry_run:
        return rows.count()
    batches = list(rows.order_by("pk").select_for_update(of=("self",)).only("pk", "file_id"))
    picked = [b.pk for b in batches]
    files.erase(b.file_id for b in batches)
    ImportBatch.objects.filter(pk__in=picked, status=ImportBatch.Status.PREVIEWED).update(
        status=ImportBatch.Status.DISCARDED
    )
    ImportBatch.objects.filter(pk__in=picked).update(rows_sealed=b"")
    return len(picked)
