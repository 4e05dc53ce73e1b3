"""Owner accounts: a ``User`` without a usable password, found by its mobile number's keyed hash.

The same person may also be staff (a convener who owns a flat): whoever holds the mobile number
holds the account, so staff accounts with that mobile are reused rather than duplicated.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model

from ownervote.core import pii, validators


def find_by_mobile(mobile: str):
    """The active account whose mobile is ``mobile``, or None."""
    User = get_user_model()
    return (
        User.objects.filter(mobile_hash=pii.lookup("mobile", mobile), is_active=True).order_by("pk").first()
    )


def owner_account_for_mobile(mobile: str):
    """The account for ``mobile``, created (without password) when there is none yet.
    The caller runs inside a transaction and has already proved control of the number (an SMS
    code) or had a convener check the person on site."""
    mobile = validators.normalise_mobile(mobile)
    user = find_by_mobile(mobile)
    if user is not None:
        return user
    User = get_user_model()
    user = User(username=f"m-{secrets.token_hex(8)}")
    pii.seal(user, "mobile", mobile)
    user.set_unusable_password()
    user.save()
    return user
