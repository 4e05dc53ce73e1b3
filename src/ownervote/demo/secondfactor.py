"""The demo's second factor (R-SEC-1). The dev settings require TOTP of every staff account, as
production does; so that a reviewer can walk as every role, each demo staff account has a confirmed
TOTP device, and the 2FA page shows its current code (``OWNERVOTE_DEMO_TOTP_HINT``, demo only).
One account, ``community``, has none: ``seed_demo`` issues it a fresh enrolment code, as its
approver ``shatou`` would (through the same service as the console), and prints it, so that the
enrolment journey can be walked too."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from ownervote.orgs.models import User
from ownervote.orgs.security import issue_enrolment_code

from .accounts import ACCOUNTS

UNENROLLED = "community"  # walks the enrolment journey with the code seed_demo prints
ISSUER = "shatou"  # its approver (the street office decides a community committee's application)


def enrol_demo_staff() -> None:
    """A confirmed TOTP device for every demo staff account but ``UNENROLLED``."""
    for user in User.objects.filter(username__in=[a[0] for a in ACCOUNTS]).exclude(username=UNENROLLED):
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="demo", confirmed=True)


def fresh_enrolment_code() -> tuple[str, str] | None:
    """(username, code) for ``UNENROLLED`` while it has no device: a new code each time (the
    earlier one is revoked), issued by ``ISSUER``. None once it has enrolled."""
    user = User.objects.filter(username=UNENROLLED).first()
    issuer = User.objects.filter(username=ISSUER).first()
    if user is None or issuer is None or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return None
    _, code = issue_enrolment_code(actor=issuer, user_id=user.pk)
    return user.username, code
