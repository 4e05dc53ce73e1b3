"""Throttling the console's password sign-in (django-axes, R-SEC-1).

``settings.AXES_LOCKOUT_PARAMETERS`` names what failures are counted by (one account from one
address, one account from anywhere, one address whatever the account) and
``settings.OWNERVOTE_SIGNIN_FAILURE_LIMITS`` the number of failures within ``AXES_COOLOFF_TIME`` that
locks each. Axes compares a single number with a single limit (``AXES_FAILURE_LIMIT``, the
smallest): ``SignInThrottle.get_failures`` scales each count to that limit, so that each parameter
locks at its own limit. Every failure before the lockout, and the lockout itself, is written to
the audit log (``security.record_sign_in_failure``); a try while locked out is refused without
checking the password and without an audit event (an attacker cannot fill the log that way).

Owners never sign in here: they sign in by SMS code, throttled by ``identity.signin``.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.db.models import Sum

from . import security


def _limits(count: int) -> list[int]:
    limits = list(getattr(settings, "OWNERVOTE_SIGNIN_FAILURE_LIMITS", ()) or ())
    return limits[:count] + [settings.AXES_FAILURE_LIMIT] * max(0, count - len(limits))


class SignInThrottle(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        attempts = self.get_user_attempts(request, credentials)
        counts = [qs.aggregate(n=Sum("failures_since_start"))["n"] or 0 for qs in attempts]
        limit = get_failure_limit(request, credentials)
        # floor(count * limit / own) >= limit exactly when count >= own
        return max(
            (count * limit // own for count, own in zip(counts, _limits(len(counts)), strict=True)), default=0
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        already_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or already_locked:
            return
        locked_out = bool(getattr(request, "axes_locked_out", False))
        cool_off = get_cool_off(request)
        security.record_sign_in_failure(
            actor=None,
            username=get_client_username(request, credentials) or "",
            address=getattr(request, "axes_ip_address", None) or "",
            locked_until=(request.axes_attempt_time + cool_off) if locked_out and cool_off else None,
            locked_out=locked_out,
        )
