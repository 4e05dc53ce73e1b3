"""Sign-in security of staff accounts (R-SEC-1, R-SEC-2): failed sign-ins and lockouts in the audit
log, one-time enrolment codes for the TOTP second factor, unlocking a locked sign-in, resetting a
lost second factor. Each function is one transaction with its audit event.

An enrolment code is what makes enrolling a second factor need more than the password: whoever
manages the account (``scoping.manageable_accounts``: its approver, an administrator of its
organisation, the city operator) issues it and hands it over out of band; it is shown once, stored
as a salted hash, valid for ``OWNERVOTE_ENROLMENT_CODE_TTL_HOURS`` and for one use, and a new code
or a reset revokes the unused ones. Five wrong tries revoke it too.
"""

from __future__ import annotations

import datetime as dt
import secrets

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from ownervote.audit.services import record
from ownervote.core.errors import InvalidInput, NotFound, require

from . import signals
from .access import access_account
from .errors import Code
from .models import EnrolmentCode, User

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: read aloud or typed from paper
CODE_LENGTH = 12
MAX_FAILED_TRIES = 5
ANONYMOUS = "anonymous"


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _clean(text: str, limit: int = 150) -> str:
    """Attempted input as it may be stored: no NUL (PostgreSQL refuses it), bounded."""
    return (text or "").replace("\x00", "\\x00")[:limit]


# ---------------------------------------------------------------- failed sign-ins


def record_sign_in_failure(
    *, actor, username: str, address: str, locked_out: bool, locked_until: dt.datetime | None = None
) -> None:
    """A wrong password (or an unknown or disabled account) at the console sign-in, and the
    lockout it caused (``throttle.SignInThrottle``). Never the password. ``actor`` is None: nobody
    is signed in."""
    username = _clean(username)
    address = _clean(address, 64)
    with transaction.atomic():
        account = User.objects.filter(username=username).first() if username else None
        if account is None:
            reason = "unknown_username"
        elif not account.is_active:
            reason = "inactive_account"
        else:
            reason = "wrong_password"
        target = {"object_type": "orgs.user", "object_id": account.pk if account else ""}
        summary = {"username": username, "address": address}
        record(
            actor=actor or ANONYMOUS,
            action="auth.sign_in_failed",
            **target,
            summary={**summary, "reason": reason},
        )
        if locked_out:
            until = locked_until.isoformat(timespec="seconds") if locked_until else ""
            if account is not None:
                signals.account_security.send(
                    sender=User, account=account, what="locked_out", until=locked_until
                )
            record(
                actor=actor or ANONYMOUS,
                action="auth.locked_out",
                **target,
                summary={**summary, "until": until},
            )


def unlock_sign_in(*, actor, user_id: int) -> int:
    """Lift the sign-in lockout of an account the actor manages (every address it was locked from);
    returns the number of counters cleared."""
    with transaction.atomic():
        account = access_account(actor, user_id, lock=True)
        cleared = axes_reset(username=account.username)
        record(
            actor=actor,
            action="auth.unlocked",
            obj=account,
            summary={"username": account.username, "cleared": cleared},
        )
    return cleared


def unlock_sign_in_by_admin(*, admin: str, username: str = "", address: str = "", reason: str) -> int:
    """The platform administrator's ``unlock_signin`` command: by account and/or by address."""
    require(username or address, InvalidInput(Code.ACCOUNT_NOT_FOUND, _("Name an account or an address.")))
    with transaction.atomic():
        cleared = 0
        if username:
            cleared += axes_reset(username=username)
        if address:
            cleared += axes_reset(ip=address)
        record(
            actor=f"admin:{admin}",
            action="auth.unlocked",
            object_type="orgs.user",
            summary={
                "username": _clean(username),
                "address": _clean(address, 64),
                "reason": reason,
                "cleared": cleared,
            },
        )
    return cleared


# ---------------------------------------------------------------- enrolment codes


def _issue(account: User, *, actor, now: dt.datetime) -> tuple[EnrolmentCode, str]:
    EnrolmentCode.objects.filter(user=account, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    row = EnrolmentCode.objects.create(
        user=account,
        code_hash=make_password(code),
        issued_by=actor if isinstance(actor, User) else None,
        issued_by_label="" if isinstance(actor, User) else str(actor),
        issued_at=now,
        expires_at=now + dt.timedelta(hours=settings.OWNERVOTE_ENROLMENT_CODE_TTL_HOURS),
    )
    record(
        actor=actor,
        action="2fa.code_issued",
        obj=account,
        summary={"username": account.username, "code_id": row.pk, "expires_at": row.expires_at},
    )
    signals.account_security.send(sender=User, account=account, what="code_issued", until=row.expires_at)
    return row, format_code(code)


def issue_enrolment_code(*, actor, user_id: int) -> tuple[EnrolmentCode, str]:
    """A new one-time enrolment code for an account the actor manages; returns the row and the
    code, which is shown once to the actor and never stored. The account's unused codes are revoked."""
    with transaction.atomic():
        account = access_account(actor, user_id, lock=True)
        return _issue(account, actor=actor, now=timezone.now())


def _latest_code(user: User) -> EnrolmentCode | None:
    return (
        EnrolmentCode.objects.select_for_update()
        .filter(user=user, revoked_at__isnull=True)
        .order_by("-issued_at", "-pk")
        .first()
    )


REFUSALS = {
    Code.ENROLMENT_CODE_NONE: _(
        "No enrolment code is waiting for your account. Ask whoever approved your account (or the city "
        "operator) to issue one."
    ),
    Code.ENROLMENT_CODE_WRONG: _("The enrolment code is wrong. Check it and try again."),
    Code.ENROLMENT_CODE_USED: _("This enrolment code has been used already. Ask for a new one."),
    Code.ENROLMENT_CODE_EXPIRED: _("This enrolment code has expired. Ask for a new one."),
}


def redeem_enrolment_code(*, actor, code: str) -> EnrolmentCode:
    """The actor enters the enrolment code issued for their own account, before any secret of a
    second factor is shown to them. Right: the code is used up and any device being set up before is
    discarded (a fresh secret follows). Wrong, used or expired: refused, and the refusal recorded;
    the fifth wrong try revokes the code."""
    now = timezone.now()
    refusal = None
    with transaction.atomic():
        row = _latest_code(actor)
        if row is None:
            refusal = Code.ENROLMENT_CODE_NONE
        elif not check_password(normalise_code(code), row.code_hash):
            refusal = Code.ENROLMENT_CODE_WRONG
            if row.is_live(now):
                row.failed_attempts += 1
                if row.failed_attempts >= MAX_FAILED_TRIES:
                    row.revoked_at = now
                row.save(update_fields=["failed_attempts", "revoked_at"])
        elif row.used_at is not None:
            refusal = Code.ENROLMENT_CODE_USED
        elif row.expires_at <= now:
            refusal = Code.ENROLMENT_CODE_EXPIRED
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
            TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
        summary = {"code_id": row.pk if row else None}
        if refusal:
            summary.update(reason=str(refusal), failed_attempts=row.failed_attempts if row else 0)
        record(
            actor=actor,
            action="2fa.code_refused" if refusal else "2fa.code_redeemed",
            obj=actor,
            summary=summary,
        )
    # Raised after the transaction: the refusal and the counted try stay recorded.
    require(refusal is None, InvalidInput(refusal or "", REFUSALS.get(refusal, "")))
    return row


def _reset(account: User, *, actor, reason: str, now: dt.datetime) -> int:
    devices, _ = TOTPDevice.objects.filter(user=account).delete()
    revoked = EnrolmentCode.objects.filter(
        user=account, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    record(
        actor=actor,
        action="2fa.reset",
        obj=account,
        summary={
            "username": account.username,
            "devices": devices,
            "codes_revoked": revoked,
            "reason": reason,
        },
    )
    signals.account_security.send(sender=User, account=account, what="second_factor_reset", until=None)
    return devices


def reset_second_factor(*, actor, user_id: int, reason: str) -> tuple[EnrolmentCode, str]:
    """A lost phone: the account's TOTP devices are removed and its unused codes revoked; a new
    enrolment code (shown once to the actor) is what lets it enrol again."""
    require(reason.strip(), InvalidInput(Code.RESET_REASON_REQUIRED, _("Give the reason for the reset.")))
    with transaction.atomic():
        account = access_account(actor, user_id, lock=True)
        now = timezone.now()
        _reset(account, actor=actor, reason=reason.strip(), now=now)
        return _issue(account, actor=actor, now=now)


def reset_second_factor_by_admin(
    *, admin: str, username: str, reason: str, issue_code: bool
) -> tuple[int, str]:
    """The platform administrator's ``reset_2fa`` command: (devices removed, new code or "")."""
    with transaction.atomic():
        account = User.objects.select_for_update().filter(username=username).first()
        require(account is not None, NotFound(Code.ACCOUNT_NOT_FOUND, _("Account not found.")))
        now = timezone.now()
        actor = f"admin:{admin}"
        devices = _reset(account, actor=actor, reason=reason, now=now)
        code = _issue(account, actor=actor, now=now)[1] if issue_code else ""
    return devices, code


def issue_enrolment_code_by_admin(*, admin: str, username: str) -> str:
    """The platform administrator's ``issue_enrolment_code`` command (e.g. for the first city
    operator account, which nobody approves)."""
    with transaction.atomic():
        account = User.objects.select_for_update().filter(username=username).first()
        require(account is not None, NotFound(Code.ACCOUNT_NOT_FOUND, _("Account not found.")))
        return _issue(account, actor=f"admin:{admin}", now=timezone.now())[1]
