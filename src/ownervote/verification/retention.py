"""R-SEC-7: the erasers of identity verification (``core.retention``).

- ``verification``: three years after an attempt started (the period the consent text names), its
  personal columns are emptied: name, ID number and mobile (all three columns of each), the face
  provider's reference and answer, the checker's real name, the device hash and network address,
  and the on-site photos' content (``core.files.erase``). The row stays (method, status, times,
  estate, flat, who checked) so that counts, bindings and the audit trail still refer to it;
  ``erased_at`` marks it done. The person's current ``VerifiedIdentity`` is not touched: it is
  kept while the account exists.
- ``face_consent``: six years after the decision (three years past the attempts it covered), its
  device hash and network address go; the text version, hash and decision stay as proof.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from ownervote.core import files
from ownervote.core.retention import update_rows

from .models import FaceConsent, Verification

PERSONAL = {
    **{f"{attr}_{col}": "" for attr in ("name", "id_number", "mobile") for col in ("enc", "masked", "hash")},
    "provider_ref": "",
    "provider_result": {},
    "checker_real_name": "",
    "device_hash": "",
    "client_ip": None,
}


def erase_verifications(*, cutoff: dt.datetime, dry_run: bool) -> int:
    rows = Verification.objects.filter(started_at__lte=cutoff, erased_at__isnull=True)
    if dry_run:
        return rows.count()
    picked = list(
        rows.order_by("pk").select_for_update(of=("self",)).values_list("pk", "id_photo", "holding_photo")
    )
    files.erase(f for _, *photos in picked for f in photos)
    done = Verification.objects.filter(pk__in=[p for p, *_ in picked], erased_at__isnull=True).update(
        erased_at=timezone.now(), **PERSONAL
    )
    return done


def erase_face_consents(*, cutoff: dt.datetime, dry_run: bool) -> int:
    rows = FaceConsent.objects.filter(decided_at__lte=cutoff).filter(
        ~Q(device_hash="") | Q(client_ip__isnull=False)
    )
    return update_rows(rows, dry_run=dry_run, device_hash="", client_ip=None)
