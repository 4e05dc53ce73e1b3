"""R-SEC-7: the erasers of ``orgs`` (``core.retention``): the sign-in throttle's records
(django-axes): an attempt is needed only for its cool-off (``AXES_COOLOFF_TIME``, minutes), the
failure log for six months (网安法 21); and an organisation's authorised staff (R-ORG-2), whose
name, ID number and mobile go three years after the authorisation ended (revoked, or past its last
day); the row stays for the votes and bindings that name it."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt, AccessFailureLog
from django.db.models import Q

from ownervote.core.retention import delete_rows, update_rows

from .models import AuthorisedStaff

SEALED = {
    f"{attr}_{col}": "" for attr in ("name", "id_number", "mobile") for col in ("enc", "masked", "hash")
}


def erase_signin_attempts(*, cutoff: dt.datetime, dry_run: bool) -> int:
    return delete_rows(AccessAttempt.objects.filter(attempt_time__lte=cutoff), dry_run=dry_run)


def erase_signin_failure_log(*, cutoff: dt.datetime, dry_run: bool) -> int:
    return delete_rows(AccessFailureLog.objects.filter(attempt_time__lte=cutoff), dry_run=dry_run)


def erase_authorised_staff(*, cutoff: dt.datetime, dry_run: bool) -> int:
    """``valid_until`` is the last valid day: the period runs from the day after it."""
    ended = Q(revoked_at__lte=cutoff) | Q(revoked_at__isnull=True, valid_until__lt=cutoff.date())
    rows = AuthorisedStaff.objects.filter(ended).filter(
        ~Q(name_enc="") | ~Q(id_number_enc="") | ~Q(mobile_enc="")
    )
    return update_rows(rows, dry_run=dry_run, **SEALED)
