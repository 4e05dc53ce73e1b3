"""The outcome of a staff registration, told out of band (orgs.signals.registration_received).

The console's registration page and ``POST /api/orgs/register`` answer the same whether or not the
username was free, so that nobody learns which usernames exist by trying them. The applicant learns
the outcome from a text message to the mobile number they entered (the provider's ``notice``
template): the account is created and waits for approval, or the username cannot be used. Only
whoever holds that number learns it, and the registration is throttled per address and per mobile.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from . import sms

log = logging.getLogger("ownervote.sms")


def _hand_over(row) -> None:
    try:
        sms.hand_over(row)
    except sms.SmsError:
        log.warning("registration message %s not sent (recorded on its SentSms row)", row.pk)


def tell_applicant(sender, *, username: str, mobile: str, registered: bool, **kwargs) -> None:
    with translation.override("zh-hans"):
        if registered:
            title = _("account %(username)s is created and waits for approval; sign in to follow it")
        else:
            title = _("username %(username)s cannot be used; register again with another username")
        title = title % {"username": username}
    row = sms.record_sms(mobile=mobile, template="notice", params={"title": title})
    transaction.on_commit(lambda: _hand_over(row))
