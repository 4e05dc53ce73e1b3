"""R-SEC-7: the erasers of the roster (``core.retention``): roster imports, 30 days after upload the
file's content and the sealed rows go; the batch row, its counts and errors stay. A batch still
waiting to be applied by then is discarded (its preview would be stale anyway). Former owners:
see ``erase_former_owners``."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat

from ownervote.core import files
from ownervote.core.retention import update_rows

from .models import ImportBatch, Owner, Ownership


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


OWNER_SEALED = {
    **{f"{attr}_{col}": "" for attr in ("name", "mobile") for col in ("enc", "masked", "hash")},
    "id_number_enc": "",
    "id_number_masked": "",
}
ERASED = "erased:"


def erase_former_owners(*, cutoff: dt.datetime, dry_run: bool) -> int:
    """``former_owner``: a person none of whose flats they still own, the last ownership ended
    three years ago (``Ownership.ended_at``): name, ID number and mobile go; the ID number's keyed
    hash becomes ``erased:<id>`` (it must stay unique in the estate, and the same person entered
    again later becomes a new owner). The row stays for the bindings, proxies and roster history
    that name it; the published results keep their own tables. Organisations and the developer are
    not persons and are kept."""
    ownerships = Ownership.objects.filter(owner=OuterRef("pk"))
    rows = Owner.objects.filter(
        Exists(ownerships.filter(ended_at__lte=cutoff)),
        ~Exists(ownerships.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=cutoff))),
        kind=Owner.Kind.PERSON,
    ).exclude(id_number_hash__startswith=ERASED)
    return update_rows(
        rows,
        dry_run=dry_run,
        id_number_hash=Concat(Value(ERASED), Cast("pk", CharField()), output_field=CharField()),
        **OWNER_SEALED,
    )
