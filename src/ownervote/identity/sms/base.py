"""What every SMS backend implements, and the error it raises."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class SmsError(Exception):
    """The provider refused the message or could not be reached. ``code`` and ``message`` are
    the provider's own (``isv.MOBILE_NUMBER_ILLEGAL``, ``非法手机号``) or ours for network errors."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SmsMessage:
    mobile: str  # normalised mainland number, 11 digits
    template: str  # our template name: "sign_in_code", "verify_code", "notice"
    params: dict = field(default_factory=dict)  # the template's variables, all strings
    text: str = ""  # the whole message as the owner reads it (for backends that send text)
    out_id: str = ""  # our reference (the SentSms id), echoed in the provider's delivery reports


@dataclass(frozen=True)
class DeliveryReport:
    """The provider's delivery report (状态报告) of one message: ``delivered`` True (the handset
    received it), False (failed) or None (still awaiting the operator's report); ``at`` the
    provider's time of the report; ``code`` the provider's own (``DELIVERED``, ``MK:0001``...)."""

    out_id: str
    delivered: bool | None
    at: dt.datetime | None = None
    code: str = ""


class BaseBackend:
    """A provider. ``send`` hands one message over and returns the provider's reference for it
    (BizId); it raises ``SmsError`` when the provider refuses it or cannot be reached. It never
    retries: a message that may have been sent must not be sent twice."""

    #: Whether real phones receive the messages (the deploy check refuses the others).
    delivers: bool = True
    #: Whether a message counts as delivered the moment it is sent (the development backend, so
    #: that the demo shows delivered messages).
    reports_at_once: bool = False

    def __init__(self, **options):
        self.options = options

    def send(self, message: SmsMessage) -> str:
        raise NotImplementedError

    def check_sent(self, *, out_id: str, mobile: str, sent_at: dt.datetime) -> bool | None:
        """Whether the provider took the message that was sent to ``mobile`` with ``out_id`` at
        about ``sent_at``: True, False, or None when it cannot tell (this default). Asked only
        about a send whose outcome was lost (the worker died during it); raises ``SmsError`` when
        the provider cannot be asked right now."""
        return None

    def delivery_reports(self, *, mobile: str, day: dt.date) -> list[DeliveryReport] | None:
        """The delivery reports of the messages sent to ``mobile`` on ``day`` (the provider's own
        calendar day), or None when this provider cannot be asked (this default). Raises
        ``SmsError`` when it cannot be asked right now."""
        return None
