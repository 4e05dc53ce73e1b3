"""R-SEC-7: the eraser of objections to the binding list (``core.retention``, kind
``binding_objection``).

Three years after the publication the objection was raised in ended (the day after its last day,
``ends_on`` as extended; or its withdrawal), and after the objection was decided, the owner's
reason, the corrected name and mobile (all three columns of each) and the attached files' content
(``core.files.erase``) go. The row stays (binding, who filed it, status, what was checked, the
outcome, who decided it and when), so the publication's record still counts it; ``erased_at``
marks it done (a corrected objection then no longer holds its corrected data)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from ownervote.core import files

from .models import Objection

PERSONAL = {f"corrected_{attr}_{col}": "" for attr in ("name", "mobile") for col in ("enc", "masked", "hash")}


def expired(cutoff: dt.datetime) -> Q:
    ended = Q(publication__ends_on__lt=cutoff.date()) | Q(publication__withdrawn_at__lte=cutoff)
    return ended & (Q(decided_at__isnull=True) | Q(decided_at__lte=cutoff))


def erase_objections(*, cutoff: dt.datetime, dry_run: bool) -> int:
    rows = Objection.objects.filter(expired(cutoff), erased_at__isnull=True)
    if dry_run:
        return rows.count()
    picked = list(rows.order_by("pk").select_for_update(of=("self",)).values_list("pk", flat=True))
    files.erase(
        Objection.files.through.objects.filter(objection_id__in=picked).values_list(
            "storedfile_id", flat=True
        )
    )
    return Objection.objects.filter(pk__in=picked, erased_at__isnull=True).update(
        reason="", erased_at=timezone.now(), **PERSONAL
    )
