"""Providers playing their part in the outbox tests (chosen with OWNERVOTE_SMS_BACKEND /
OWNERVOTE_WECHAT["template_backend"], in this process or in a worker subprocess)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import ClassVar

from ownervote.identity.sms import BaseBackend, SmsError
from ownervote.identity.sms.backends import ConsoleBackend
from ownervote.identity.wechat import ConsoleTemplateSender


class FlakySmsBackend(BaseBackend):
    """Refuses the first ``failures`` messages as a provider in trouble does, then accepts."""

    failures: ClassVar[int] = 0
    calls: ClassVar[list] = []
    accepted: ClassVar[list] = []

    @classmethod
    def reset(cls, failures: int = 0) -> None:
        cls.failures, cls.calls, cls.accepted = failures, [], []

    def send(self, message):
        FlakySmsBackend.calls.append(message)
        if FlakySmsBackend.failures > 0:
            FlakySmsBackend.failures -= 1
            raise SmsError("isp.SYSTEM_ERROR", "运营商系统繁忙")
        FlakySmsBackend.accepted.append(message)
        return f"flaky-{len(FlakySmsBackend.accepted)}"


class IllegalNumberBackend(BaseBackend):
    calls: ClassVar[int] = 0

    def send(self, message):
        IllegalNumberBackend.calls += 1
        raise SmsError("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")


class WorkerDied(BaseException):
    """What a SIGKILL looks like from inside one process: nothing after it runs (the worker
    records the task as failed, which a killed worker would not even do)."""


class DyingConsoleBackend(ConsoleBackend):
    """The console provider takes the message, then the worker dies before it hears the answer."""

    def send(self, message):
        super().send(message)
        raise WorkerDied


class DyingBeforeConsoleBackend(ConsoleBackend):
    """While ``armed``, the worker dies before the console provider got the message."""

    armed: ClassVar[bool] = True

    def send(self, message):
        if DyingBeforeConsoleBackend.armed:
            raise WorkerDied
        return super().send(message)


class DyingTemplateSender(ConsoleTemplateSender):
    """WeChat takes the template message, then the worker dies before it hears the answer."""

    def send(self, message):
        super().send(message)
        raise WorkerDied


class RecordingSmsBackend(BaseBackend):
    """A provider with its own record outside our database (a JSON-lines file in
    $OUTBOX_TEST_DIR), which ``check_sent`` answers from, as Alibaba Cloud answers
    QuerySendDetails. With $OUTBOX_TEST_BLOCK set to ``before`` or ``after``, the first send hangs
    (before or after the provider records the message) and says so in the file ``blocked``: the
    test then kills the worker."""

    @staticmethod
    def _dir() -> Path:
        return Path(os.environ["OUTBOX_TEST_DIR"])

    def _block(self, point: str) -> None:
        marker = self._dir() / "blocked"
        if os.environ.get("OUTBOX_TEST_BLOCK") == point and not marker.exists():
            marker.write_text(point)
            time.sleep(3600)

    def send(self, message):
        self._block("before")
        with open(self._dir() / "received.jsonl", "a", encoding="utf-8") as f:
            f.write(
                json.dumps({"out_id": message.out_id, "mobile": message.mobile, "params": message.params})
                + "\n"
            )
            f.flush()
            os.fsync(f.fileno())
        self._block("after")
        return f"rec-{message.out_id}"

    def check_sent(self, *, out_id, mobile, sent_at):
        return any(row["out_id"] == out_id for row in received(self._dir()))


def received(directory: Path) -> list[dict]:
    path = Path(directory) / "received.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
