"""Backends that need no provider account."""

from __future__ import annotations

import logging
import sys
import uuid

from ownervote.core.masking import mask_mobile

from .base import BaseBackend, SmsMessage

log = logging.getLogger("ownervote.sms")


class ConsoleBackend(BaseBackend):
    """Development and tests: nothing leaves the machine. The message is written to the
    ``ownervote.sms`` logger and to standard output (the number masked); the ``SentSms`` row that
    ``send_sms`` writes is the table a test reads the code from. Production refuses it
    (``manage.py check --deploy``)."""

    delivers = False

    def send(self, message: SmsMessage) -> str:
        reference = f"console-{uuid.uuid4().hex[:16]}"
        line = f"[SMS {message.out_id} to {mask_mobile(message.mobile)}] {message.text}"
        log.info("%s", line)
        print(line, file=sys.stdout, flush=True)
        return reference
