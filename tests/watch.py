"""What a test pass is doing, for CI to say when a pass runs out of time (.ci/run).

With OWNERVOTE_TEST_WATCH set to a directory, each pytest process (the controller and every
xdist worker) writes there ``<worker>.log``, a line as each test starts and ends, and
``<worker>.pid``; on SIGUSR1 it writes the stack of each of its threads to ``<worker>.stacks``
(faulthandler). .ci/run sends SIGUSR1 shortly before a pass's time limit: a pass killed by its limit
leaves no JUnit report, and these files say which tests were still running and where they waited.
Nothing is written, and no signal is handled, when the variable is not set."""

from __future__ import annotations

import faulthandler
import os
import signal
import time
from pathlib import Path

WATCH = "OWNERVOTE_TEST_WATCH"
_files: dict = {}


def pytest_configure(config):
    folder = os.environ.get(WATCH, "").strip()
    if not folder or _files:
        return
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    _files["log"] = open(path / f"{worker}.log", "a", encoding="utf-8", buffering=1)  # noqa: SIM115
    _files["stacks"] = open(path / f"{worker}.stacks", "a", encoding="utf-8")  # noqa: SIM115
    _files["pid"] = path / f"{worker}.pid"
    _files["pid"].write_text(f"{os.getpid()}\n", encoding="utf-8")
    faulthandler.register(signal.SIGUSR1, file=_files["stacks"], all_threads=True)


def pytest_runtest_logstart(nodeid, location):
    if _files:
        _files["log"].write(f"{time.time():.0f} start {nodeid}\n")


def pytest_runtest_logfinish(nodeid, location):
    if _files:
        _files["log"].write(f"{time.time():.0f} end {nodeid}\n")


def pytest_unconfigure(config):
    if _files:
        faulthandler.unregister(signal.SIGUSR1)
        _files.pop("pid").unlink(missing_ok=True)  # no signal to a later process of that number
        for f in _files.values():
            f.close()
        _files.clear()
