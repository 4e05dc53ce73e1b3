"""Owner sign-in: one-time SMS codes, signing in with one, and WeChat accounts linked by one.

Codes (``SmsCode``): 6 digits from ``secrets``, stored only as a keyed hash (HMAC-SHA256 under
the ``SECRET_KEY`` with the row's own salt, the purpose and the number), valid for
``OWNERVOTE_SMS_CODE_TTL_SECONDS``, used at most once, locked after
``OWNERVOTE_SMS_CODE_MAX_ATTEMPTS`` wrong tries (a locked code is refused even with the right
digits; the owner asks for a new one). Only the newest code of a number and purpose counts.

Sending limits (429 ``sms.too_many``, ``details.retry_after`` in seconds): one code per number
per ``OWNERVOTE_SMS_RESEND_SECONDS``, ``OWNERVOTE_SMS_PER_NUMBER_PER_HOUR`` and ``..._PER_DAY``
per number, ``OWNERVOTE_SMS_PER_IP_PER_HOUR`` per client address; and a number whose codes
locked three times within an hour gets no code for an hour after the third lock. Every request
counts, including one whose SMS the provider refused.

``sms_code_check`` must be called outside any transaction of the caller: a wrong try is
committed before the refusal is raised, and an enclosing transaction that rolls back on that
refusal would undo the count (and with it the lockout).
"""

from __future__ import annotations

import datetime as dt
import math
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ownervote.audit.services import record
from ownervote.core import pii, validators
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, ServiceError, require
from ownervote.core.masking import mask_mobile

from . import accounts
from .errors import Code
from .models import SmsCode, WeChatAccount
from .sms import send_sms

CODE_DIGITS = 6
LOCKS_BEFORE_BLOCK = 3
BLOCK = dt.timedelta(hours=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
TEMPLATE_FOR = {SmsCode.Purpose.SIGN_IN: "sign_in_code", SmsCode.Purpose.VERIFY: "verify_code"}
ANONYMOUS = "anonymous"  # the audit actor of a request made before anyone signed in


class Locked(ServiceError):
    status = 423


class TooMany(ServiceError):
    status = 429


# --- helpers ----------------------------------------------------------------------------------


def clean_mobile(mobile: str) -> str:
    """The normalised mainland mobile, or 422 ``sms.bad_mobile``."""
    mobile = validators.normalise_mobile(mobile)
    require(
        validators.is_valid_mobile(mobile),
        InvalidInput(
            Code.BAD_MOBILE, _("Enter a valid mainland mobile number (11 digits, starting with 1).")
        ),
    )
    return mobile


def _clean_purpose(purpose: str) -> str:
    require(
        purpose in SmsCode.Purpose.values,
        InvalidInput(Code.BAD_PURPOSE, _("Unknown purpose for a code.")),
    )
    return purpose


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(*, salt: str, purpose: str, mobile_hash: str, code: str) -> str:
    """HMAC-SHA256 keyed with the SECRET_KEY; the row's salt makes equal codes hash differently."""
    value = f"{salt}:{purpose}:{mobile_hash}:{code}"
    return salted_hmac("ownervote.identity.SmsCode", value, algorithm="sha256").hexdigest()


def _serialise(mobile_hash: str) -> None:
    """Make concurrent code requests for one number wait for each other. SQLite's IMMEDIATE
    transactions already serialise every writer; PostgreSQL takes a transaction-scoped advisory
    lock (a row lock cannot guard the number's first code, which has no row yet)."""
    if connection.vendor == "postgresql":
        number = int.from_bytes(bytes.fromhex(mobile_hash[:16]), "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def _too_many(until: dt.datetime, now: dt.datetime, message) -> TooMany:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    return TooMany(Code.TOO_MANY, message % {"wait": _wait_text(seconds)}, details={"retry_after": seconds})


def _window_limit(times: list[dt.datetime], limit: int, window: dt.timedelta) -> dt.datetime | None:
    """With ``times`` (ascending) inside the window, when the next request is allowed, or None."""
    if limit <= 0 or len(times) < limit:
        return None
    return times[len(times) - limit] + window


def _check_limits(*, mobile_hash: str, purpose: str, ip: str | None, now: dt.datetime) -> None:
    locks = list(
        SmsCode.objects.filter(mobile_hash=mobile_hash, locked_at__gt=now - 2 * BLOCK)
        .order_by("locked_at")
        .values_list("locked_at", flat=True)
    )
    blocked_until = None
    for i in range(LOCKS_BEFORE_BLOCK - 1, len(locks)):
        if locks[i] - locks[i - LOCKS_BEFORE_BLOCK + 1] <= BLOCK:
            blocked_until = locks[i] + BLOCK
    if blocked_until is not None and blocked_until > now:
        raise _too_many(
            blocked_until,
            now,
            _("Too many wrong codes were entered for this number. Try again in %(wait)s."),
        )

    rows = list(
        SmsCode.objects.filter(mobile_hash=mobile_hash, created_at__gt=now - DAY)
        .order_by("created_at")
        .values_list("created_at", "purpose")
    )
    sent = [at for at, _purpose in rows]
    # The resend gap is per purpose: an owner who has just signed in asks for the verification
    # code at once. The hourly and daily limits count every code to the number.
    same = [at for at, p in rows if p == purpose]
    resend = dt.timedelta(seconds=settings.OWNERVOTE_SMS_RESEND_SECONDS)
    if same and same[-1] + resend > now:
        raise _too_many(
            same[-1] + resend, now, _("A code was sent a moment ago. You can ask again in %(wait)s.")
        )
    for until in (
        _window_limit([t for t in sent if t > now - HOUR], settings.OWNERVOTE_SMS_PER_NUMBER_PER_HOUR, HOUR),
        _window_limit(sent, settings.OWNERVOTE_SMS_PER_NUMBER_PER_DAY, DAY),
    ):
        if until is not None and until > now:
            raise _too_many(until, now, _("Too many codes for this number. Try again in %(wait)s."))

    if ip:
        from_ip = list(
            SmsCode.objects.filter(ip=ip, created_at__gt=now - HOUR)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
        until = _window_limit(from_ip, settings.OWNERVOTE_SMS_PER_IP_PER_HOUR, HOUR)
        if until is not None and until > now:
            raise _too_many(until, now, _("Too many codes from this network. Try again in %(wait)s."))


# --- SMS codes --------------------------------------------------------------------------------


def sms_code_request(*, mobile: str, purpose: str, ip: str | None) -> SmsCode:
    """Create a code for ``mobile`` and text it. 422 ``sms.bad_mobile``; 429 ``sms.too_many``
    (``details.retry_after``); 502 ``sms.send_failed`` when the provider refuses it, in which
    case the code is never usable (it still counts towards the limits)."""
    mobile = clean_mobile(mobile)
    purpose = _clean_purpose(purpose)
    mobile_hash = pii.lookup("mobile", mobile)
    code = new_code()
    with transaction.atomic():
        _serialise(mobile_hash)
        now = timezone.now()
        _check_limits(mobile_hash=mobile_hash, purpose=purpose, ip=ip, now=now)
        row = SmsCode(
            mobile_hash=mobile_hash,
            mobile_masked=mask_mobile(mobile),
            purpose=purpose,
            salt=secrets.token_hex(16),
            ip=ip or None,
            expires_at=now + dt.timedelta(seconds=settings.OWNERVOTE_SMS_CODE_TTL_SECONDS),
        )
        row.code_hash = code_hash(salt=row.salt, purpose=purpose, mobile_hash=mobile_hash, code=code)
        row.save()
        record(
            actor=ANONYMOUS,
            action="identity.sms_code_requested",
            obj=row,
            summary={"mobile": row.mobile_masked, "purpose": purpose},
        )
    # The row is committed first: if the provider refuses, the unsent row still counts against
    # the limits, and ``sent_at`` stays empty so that the code can never be used.
    send_sms(mobile=mobile, template=TEMPLATE_FOR[purpose], params={"code": code})
    row.sent_at = timezone.now()
    SmsCode.objects.filter(pk=row.pk).update(sent_at=row.sent_at)
    return row


def sms_code_check(*, mobile: str, purpose: str, code: str) -> None:
    """Use the newest code sent to ``mobile`` for ``purpose``; return when ``code`` matches.

    Refusals: 422 ``sms.wrong_code`` (``details.attempts_left``), ``sms.expired``, ``sms.no_code``
    (none was sent, or it was already used); 423 ``sms.locked`` (too many wrong tries: ask for a
    new code). Call it outside any transaction (see the module's docstring)."""
    mobile = clean_mobile(mobile)
    purpose = _clean_purpose(purpose)
    code = "".join((code or "").split())
    require(
        len(code) == CODE_DIGITS and code.isascii() and code.isdigit(),
        InvalidInput(Code.WRONG_CODE, _("Enter the 6-digit code from the text message.")),
    )
    mobile_hash = pii.lookup("mobile", mobile)
    refusal: ServiceError | None = None
    with transaction.atomic():
        row = (
            SmsCode.objects.select_for_update()
            .filter(mobile_hash=mobile_hash, purpose=purpose, sent_at__isnull=False)
            .order_by("-created_at", "-pk")
            .first()
        )
        now = timezone.now()
        if row is None:
            refusal = InvalidInput(Code.NO_CODE, _("No code was sent to this number. Ask for a code first."))
        elif row.used_at is not None:
            refusal = InvalidInput(Code.NO_CODE, _("This code has already been used. Ask for a new code."))
        elif row.locked_at is not None:
            refusal = Locked(
                Code.LOCKED, _("Too many wrong tries: this code no longer works. Ask for a new code.")
            )
        elif now >= row.expires_at:
            refusal = InvalidInput(Code.EXPIRED, _("The code has expired. Ask for a new code."))
        elif constant_time_compare(
            code_hash(salt=row.salt, purpose=purpose, mobile_hash=mobile_hash, code=code), row.code_hash
        ):
            row.used_at = now
            row.save(update_fields=["used_at"])
        else:
            row.attempts += 1
            left = max(0, settings.OWNERVOTE_SMS_CODE_MAX_ATTEMPTS - row.attempts)
            if left == 0:
                row.locked_at = now
                record(
                    actor=ANONYMOUS,
                    action="identity.sms_code_locked",
                    obj=row,
                    summary={"mobile": row.mobile_masked, "purpose": purpose, "attempts": row.attempts},
                )
                refusal = Locked(
                    Code.LOCKED, _("Too many wrong tries: this code no longer works. Ask for a new code.")
                )
            else:
                refusal = InvalidInput(
                    Code.WRONG_CODE,
                    _("The code is wrong. Tries left: %(left)d.") % {"left": left},
                    details={"attempts_left": left},
                )
            row.save(update_fields=["attempts", "locked_at"])
    if refusal is not None:  # raised after the commit, so that the wrong try is counted
        raise refusal


# --- signing in -------------------------------------------------------------------------------


def _account(mobile: str):
    """The account for ``mobile`` (created when there is none) and whether it was created."""
    existed = accounts.find_by_mobile(mobile) is not None
    return accounts.owner_account_for_mobile(mobile), not existed


def _signed_in(user, *, method: str, new_account: bool) -> None:
    record(
        actor=user,
        action="identity.signed_in",
        obj=user,
        summary={"method": method, "mobile": user.mobile_masked, "new_account": new_account},
    )


def sign_in_with_sms(*, mobile: str, code: str, ip: str | None = None):
    """The owner's account once ``code`` proves control of ``mobile`` (created on first sign-in)."""
    mobile = clean_mobile(mobile)
    sms_code_check(mobile=mobile, purpose=SmsCode.Purpose.SIGN_IN, code=code)
    with transaction.atomic():
        user, created = _account(mobile)
        _signed_in(user, method="sms", new_account=created)
    return user


def wechat_sign_in(*, app_id: str, openid: str, ip: str | None = None):
    """The account linked to this WeChat user, or None when the openid is not linked yet."""
    with transaction.atomic():
        link = (
            WeChatAccount.objects.select_for_update()
            .select_related("user")
            .filter(app_id=app_id, openid=openid, user__is_active=True)
            .first()
        )
        if link is None:
            return None
        link.last_sign_in_at = timezone.now()
        link.save(update_fields=["last_sign_in_at"])
        _signed_in(link.user, method="wechat", new_account=False)
    return link.user


def wechat_link(
    *, app_id: str, openid: str, unionid: str = "", mobile: str, code: str, ip: str | None = None
):
    """Link a WeChat user to the account of ``mobile`` (proved by a sign-in code) and sign in.
    409 ``wechat.linked_elsewhere`` when that WeChat user is already linked to another account."""
    require(openid and app_id, InvalidInput(Code.WECHAT_NO_OPENID, _("Open this page from WeChat again.")))
    mobile = clean_mobile(mobile)
    sms_code_check(mobile=mobile, purpose=SmsCode.Purpose.SIGN_IN, code=code)
    with transaction.atomic():
        user, created = _account(mobile)
        link = WeChatAccount.objects.select_for_update().filter(app_id=app_id, openid=openid).first()
        require(
            link is None or link.user_id == user.pk,
            Conflict(
                Code.WECHAT_LINKED_ELSEWHERE,
                _("This WeChat account is already linked to another mobile number."),
            ),
        )
        now = timezone.now()
        if link is None:
            link = WeChatAccount.objects.create(
                user=user, app_id=app_id, openid=openid, unionid=unionid or "", last_sign_in_at=now
            )
            record(
                actor=user, action="identity.wechat_linked", obj=link, summary={"mobile": user.mobile_masked}
            )
        else:
            link.last_sign_in_at = now
            link.save(update_fields=["last_sign_in_at"])
        _signed_in(user, method="wechat", new_account=created)
    return user


# --- the owner's preferences ------------------------------------------------------------------


def elder_mode_set(*, actor, on: bool):
    """Turn the elder mode (长辈版, R-SEC-8) of ``actor``'s own account on or off: a choice of the
    person, kept with the account so that every device they sign in on shows it. Nobody sets it
    for someone else. Recorded only when it changes."""
    require(
        getattr(actor, "is_authenticated", False),
        Forbidden(Code.SIGN_IN_REQUIRED, _("Sign in to keep this setting.")),
    )
    on = bool(on)
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=actor.pk)
        if user.elder_mode != on:
            user.elder_mode = on
            user.save(update_fields=["elder_mode"])
            record(actor=user, action="identity.elder_mode_set", obj=user, summary={"on": on})
    actor.elder_mode = on
    return user
