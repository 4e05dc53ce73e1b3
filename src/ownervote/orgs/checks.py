"""Deployment checks (``manage.py check --deploy``): every staff account needs its second factor,
and the demo's code hint is never on (R-SEC-1)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

from .models import Organisation


@register(Tags.security, deploy=True)
def second_factor_check(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    missing = sorted(set(Organisation.Kind.values) - set(settings.OWNERVOTE_REQUIRE_2FA_KINDS))
    if missing:
        errors.append(
            Error(
                f"OWNERVOTE_REQUIRE_2FA_KINDS leaves out {', '.join(missing)}: their staff could reveal "
                "personal data or enter ballots with a password alone.",
                hint="Keep the default of settings/base.py (every organisation kind).",
                id="orgs.E001",
            )
        )
    if getattr(settings, "OWNERVOTE_DEMO_TOTP_HINT", False):
        errors.append(
            Error(
                "OWNERVOTE_DEMO_TOTP_HINT is on: the two-step verification page shows the current code.",
                hint="It is for the demo (settings/dev.py) only; turn it off.",
                id="orgs.E002",
            )
        )
    if not getattr(settings, "AXES_ENABLED", True):
        errors.append(Error("AXES_ENABLED is off: console sign-in is not throttled.", id="orgs.E003"))
    return errors
