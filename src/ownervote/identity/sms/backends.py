"""Backends that need no provider account."""

from __future__ import annotations

import datetime as dt
import logging
import sys
import uuid

from ownervote.core.masking import mask_mobile

from ..models import SentSms
from .base import BaseBackend, SmsMessage

log = logging.getLogger("ownervote.sms")


class ConsoleBackend(BaseBackend):
    """Development and tests: nothing leaves the machine. The message is written to the
    ``ownervote.sms`` logger and to standard output (the number masked); the ``SentSms`` row that
    ``send_sms`` writes is the table a test reads the code from. Production refuses it
    (``manage.py check --deploy``).

    Like a real provider it keeps its own record of what it took: the reference it hands out is
    written on the message's ``SentSms`` row (``out_id``) at once, so ``check_sent`` can answer
    after the sender died before it recorded the answer itself."""

    delivers = False
    reports_at_once = True
    PREFIX = "console-"

    def send(self, message: SmsMessage) -> str:
        reference = f"{self.PREFIX}{uuid.uuid4().hex[:16]}"
        line = f"[SMS {message.out_id} to {mask_mobile(message.mobile)}] {message.text}"
        log.info("%s", line)
        print(line, file=sys.stdout, flush=True)
        if message.out_id.isascii() and message.out_id.isdigit():
            SentSms.objects.filter(pk=int(message.out_id)).update(provider_ref=reference)
        return reference

    def check_sent(self, *, out_id: str, mobile: str, sent_at: dt.datetime) -> bool | None:
        if not (out_id.isascii() and out_id.isdigit()):
            return None
        row = SentSms.objects.filter(pk=int(out_id)).values_list("provider_ref", flat=True).first()
        if row is None:
            return None  # no record left to ask
        return row.startswith(self.PREFIX)
