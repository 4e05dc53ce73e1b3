"""R-SEC-7: the eraser of closed complaints (``core.retention``): three years after a complaint
was concluded (or not accepted), the complainant's name and mobile (all three columns of each),
the text and the attached files go. The row stays (estate, subject, who handled it, the dates, the
outcome), so the office's record of handling still counts it."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from ownervote.core import files

from .models import Complaint

PERSONAL = {f"{attr}_{col}": "" for attr in ("name", "mobile") for col in ("enc", "masked", "hash")}


def erase_complaints(*, cutoff: dt.datetime, dry_run: bool) -> int:
    closed = Q(status=Complaint.Status.CONCLUDED, concluded_at__lte=cutoff) | Q(
        status=Complaint.Status.DECLINED, decided_at__lte=cutoff
    )
    rows = (
        Complaint.objects.filter(closed)
        .filter(
            ~Q(text="")
            | ~Q(name_enc="")
            | ~Q(mobile_enc="")
            | Q(files__erased_at__isnull=True, files__isnull=False)
        )
        .distinct()
    )
    if dry_run:
        return rows.count()
    picked = list(
        Complaint.objects.filter(pk__in=list(rows.values_list("pk", flat=True)))
        .order_by("pk")
        .select_for_update()
        .values_list("pk", flat=True)
    )
    files.erase(
        Complaint.files.through.objects.filter(complaint_id__in=picked).values_list(
            "storedfile_id", flat=True
        )
    )
    Complaint.objects.filter(pk__in=picked).update(text="", **PERSONAL)
    return len(picked)
