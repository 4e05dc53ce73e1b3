"""Background work that repeats (a sweep, a daily check), kept scheduled by ``manage.py worker``.

Each app registers, in its ``AppConfig.ready()``, a function that queues its repeating task when
none is waiting (``ensure``); the worker calls them all when it starts. The registry keeps the
worker command (in ``notify``) from importing the apps above it.

Work that must follow within a second or two (the audit chainer) registers a *tick* instead
(``register_tick``): the worker runs every tick in a thread beside its task loop, every
``PERIODIC_TICK_SECONDS`` (1 by default), without a queued task per run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connection

_ensures: list[Callable[[], bool]] = []


def register(ensure: Callable[[], bool]) -> Callable[[], bool]:
    """Register ``ensure`` (once): it queues its task unless one is waiting; True when it queued."""
    if ensure not in _ensures:
        _ensures.append(ensure)
    return ensure


def ensure_all() -> dict[str, bool]:
    """Run every registered ``ensure``; what each did, by its qualified name."""
    return {f"{fn.__module__}.{fn.__qualname__}": fn() for fn in _ensures}


# --- ticks: short work the worker does every few seconds, in a thread beside its task loop ------

log = logging.getLogger("ownervote.core.periodic")
_ticks: list[Callable[[], object]] = []


def register_tick(fn: Callable[[], object]) -> Callable[[], object]:
    """Register ``fn`` (once) to run on every tick of ``manage.py worker`` (e.g. the audit
    chainer). It must be quick and safe to run from two workers at once."""
    if fn not in _ticks:
        _ticks.append(fn)
    return fn


def tick() -> None:
    """Run every registered tick once; one that fails is logged and does not stop the others."""
    for fn in _ticks:
        try:
            fn()
        except Exception:
            log.exception("periodic tick %s.%s failed", fn.__module__, fn.__qualname__)


def start_ticking(interval: float) -> threading.Event:
    """Run ``tick`` every ``interval`` seconds in a daemon thread (its own database connection)
    until the returned event is set."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            close_old_connections()
            tick()
            stop.wait(interval)
        connection.close()

    threading.Thread(target=loop, name="ownervote-ticks", daemon=True).start()
    return stop
