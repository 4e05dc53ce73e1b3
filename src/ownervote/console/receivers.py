"""Telling a staff account's holder of what happened to its sign-in (``orgs.signals.account_security``,
R-SEC-1): a lockout after wrong passwords, an enrolment code issued, the second factor reset. In the
inbox and by SMS: if it was not them, they know at once and ask whoever manages the account."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from ownervote.notify import sms_titles
from ownervote.notify.services import notify

SMS_TITLES = {
    "locked_out": sms_titles.ACCOUNT_LOCKED,
    "code_issued": sms_titles.ACCOUNT_CODE_ISSUED,
}


def _texts(what: str, until) -> tuple[str, str]:
    when = timezone.localtime(until).strftime("%Y-%m-%d %H:%M") if until else ""
    if what == "locked_out":
        return gettext("Sign-in paused after wrong passwords"), gettext(
            "Your console account had too many wrong passwords; signing in is paused until %(time)s. "
            "If it was not you, tell whoever approved your account."
        ) % {"time": when}
    if what == "code_issued":
        return gettext("Enrolment code issued"), gettext(
            "An enrolment code for two-step verification was issued for your account, valid until "
            "%(time)s. If you did not ask for it, tell whoever approved your account."
        ) % {"time": when}
    return gettext("Two-step verification reset"), gettext(
        "The two-step verification of your account was reset; you set it up again with a new enrolment code."
    )


def on_account_security(sender, *, account, what: str, until=None, **kwargs) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        title, body = _texts(what, until)
        notify(
            users=[account],
            kind=f"account.{what}",
            title=title,
            body=body,
            link=reverse("console:login"),
            sms=True,
            sms_title=SMS_TITLES.get(what, sms_titles.ACCOUNT_SECOND_FACTOR_RESET),
        )
