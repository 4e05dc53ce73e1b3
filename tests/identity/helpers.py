"""Helpers for the sign-in tests: moving the clock, reading the code a test phone received."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest.mock import patch

from ownervote.core import pii
from ownervote.identity.models import SentSms

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shenzhen


@contextmanager
def clock(at: dt.datetime):
    """``timezone.now()`` is ``at`` inside the block."""
    with patch("django.utils.timezone.now", return_value=at):
        yield


def later(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def last_sms(mobile: str) -> SentSms:
    return SentSms.objects.filter(mobile_hash=pii.lookup("mobile", mobile)).order_by("-pk").first()


def last_code(mobile: str) -> str:
    """The code in the newest message to ``mobile`` (the console backend keeps it in SentSms)."""
    return last_sms(mobile).params()["code"]


def other_code(code: str) -> str:
    """A 6-digit code that is certainly not ``code``."""
    return f"{(int(code) + 1) % 1_000_000:06d}"
