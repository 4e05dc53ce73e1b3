"""R-SEC-7: the erasers of the sign-in throttle's records (django-axes, ``core.retention``): an
attempt is needed only for its cool-off (``AXES_COOLOFF_TIME``, minutes), the failure log for six
months (网安法 21)."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt, AccessFailureLog

from ownervote.core.retention import delete_rows


def erase_signin_attempts(*, cutoff: dt.datetime, dry_run: bool) -> int:
    return delete_rows(AccessAttempt.objects.filter(attempt_time__lte=cutoff), dry_run=dry_run)


def erase_signin_failure_log(*, cutoff: dt.datetime, dry_run: bool) -> int:
    return delete_rows(AccessFailureLog.objects.filter(attempt_time__lte=cutoff), dry_run=dry_run)
