"""Killing the real worker (``manage.py worker`` in its own process, SIGKILL) in the middle of a
send loses nothing and sends nothing twice to the same person for the same event: both when the
provider had not got the message yet and when it had.

Each test runs on its own SQLite file, migrated once for the module, with the development
settings; the provider (tests/notify/providers.py ``RecordingSmsBackend``) keeps its own record
in a file outside the database and hangs on the first send at the chosen point."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from .providers import received

pytestmark = pytest.mark.xdist_group("outbox_worker")

ROOT = Path(__file__).resolve().parents[2]
MOBILES = ("13900000001", "13900000002", "13900000003")
SETUP = f"""
from django.db import transaction
from ownervote.identity.accounts import owner_account_for_mobile
from ownervote.notify.services import notify
owners = [owner_account_for_mobile(m) for m in {MOBILES!r}]
with transaction.atomic():
    notify(users=owners, kind="meeting.invitation", title="邀请参加业主大会", body="正文", sms=True,
           event="meeting.invitation:1")
"""


def _env(workdir: Path, **extra) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ownervote.settings.dev",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "OWNERVOTE_VAR": str(workdir),
        "PYTHONPATH": str(ROOT / "src"),
        "OWNERVOTE_SMS_BACKEND": "tests.notify.providers.RecordingSmsBackend",
        "OUTBOX_TEST_DIR": str(workdir),
        "OWNERVOTE_OUTBOX_LEASE_SECONDS": "2",
        "OWNERVOTE_OUTBOX_SWEEP_SECONDS": "0.5",
        "OWNERVOTE_LOG_LEVEL": "WARNING",
    }
    env.pop("OUTBOX_TEST_BLOCK", None)
    env.update(extra)
    return env


def _manage(workdir: Path, *args: str, **extra) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=_env(workdir, **extra), check=True, timeout=120
    )


def _worker(workdir: Path, **extra) -> subprocess.Popen:
    log = open(workdir / "worker.log", "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "worker",
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
            "-v",
            "0",
        ],
        cwd=ROOT,
        env=_env(workdir, **extra),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait(condition, what: str, workdir: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    log = (workdir / "worker.log").read_text(errors="replace")[-3000:]
    raise AssertionError(f"timed out waiting for {what}; worker log:\n{log}")


def _messages(workdir: Path) -> list[tuple]:
    with sqlite3.connect(workdir / "db.sqlite3") as db:
        return db.execute(
            "SELECT m.id, m.status, m.attempts, m.maybe_sent, m.sms_id FROM notify_outboxmessage m "
            "WHERE m.channel = 'sms' ORDER BY m.id"
        ).fetchall()


def _attempts(workdir: Path, message_id: int) -> list[tuple]:
    with sqlite3.connect(workdir / "db.sqlite3") as db:
        return db.execute(
            "SELECT number, result FROM notify_deliveryattempt WHERE message_id = ? ORDER BY number, id",
            (message_id,),
        ).fetchall()


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("outbox-template")
    _manage(base, "migrate", "--noinput", "-v", "0")
    return base / "db.sqlite3"


@pytest.fixture
def workdir(tmp_path, migrated) -> Path:
    shutil.copy(migrated, tmp_path / "db.sqlite3")
    _manage(tmp_path, "shell", "-c", SETUP)
    return tmp_path


def _kill_during_first_send(workdir: Path, point: str) -> None:
    first = _worker(workdir, OUTBOX_TEST_BLOCK=point)
    try:
        _wait(lambda: (workdir / "blocked").exists(), f"the send to hang {point} the provider", workdir)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    states = _messages(workdir)
    assert [s[1] for s in states].count("sending") == 1  # the one in the provider's hands
    assert [s[1] for s in states].count("pending") == 2  # the rest of the dead worker's batch


def _run_until_all_sent(workdir: Path) -> None:
    second = _worker(workdir)
    try:
        _wait(lambda: all(s[1] == "sent" for s in _messages(workdir)), "every message sent", workdir)
        time.sleep(1.5)  # a few more sweeps: nothing may be sent again
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=15)
        except subprocess.TimeoutExpired:
            second.kill()


def _each_person_got_one(workdir: Path) -> None:
    got = Counter(row["mobile"] for row in received(workdir))
    assert got == Counter(MOBILES), got


def test_worker_killed_before_the_provider_got_the_message(workdir):  # R-MTG-4
    """SIGKILL while the send hangs before the provider records anything: after the lease the new
    worker's sweep asks the provider (nothing under that OutId), sends again, and finishes the
    batch. Everyone gets exactly one message."""
    _kill_during_first_send(workdir, "before")
    assert received(workdir) == []
    _run_until_all_sent(workdir)
    _each_person_got_one(workdir)
    states = _messages(workdir)
    killed = next(s for s in states if s[2] == 2)
    assert _attempts(workdir, killed[0]) == [(1, "not_received"), (2, "sent")]
    assert sorted(s[2] for s in states) == [1, 1, 2] and not any(s[3] for s in states)


def test_worker_killed_after_the_provider_got_the_message(workdir):  # R-MTG-4
    """SIGKILL after the provider recorded the message but before the worker heard back: the new
    worker asks the provider, which has it under our OutId, so the message is marked sent without
    a second send."""
    _kill_during_first_send(workdir, "after")
    assert len(received(workdir)) == 1
    _run_until_all_sent(workdir)
    _each_person_got_one(workdir)
    states = _messages(workdir)
    assert [s[2] for s in states] == [1, 1, 1] and not any(s[3] for s in states)
    confirmed = [s for s in states if _attempts(workdir, s[0]) == [(1, "confirmed")]]
    assert len(confirmed) == 1
