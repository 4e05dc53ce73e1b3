"""Background work that repeats (a sweep, a daily check), kept scheduled by ``manage.py worker``.

Each app registers, in its ``AppConfig.ready()``, a function that queues its repeating task when
none is waiting (``ensure``); the worker calls them all when it starts. The registry keeps the
worker command (in ``notify``) from importing the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable

_ensures: list[Callable[[], bool]] = []


def register(ensure: Callable[[], bool]) -> Callable[[], bool]:
    """Register ``ensure`` (once): it queues its task unless one is waiting; True when it queued."""
    if ensure not in _ensures:
        _ensures.append(ensure)
    return ensure


def ensure_all() -> dict[str, bool]:
    """Run every registered ``ensure``; what each did, by its qualified name."""
    return {f"{fn.__module__}.{fn.__qualname__}": fn() for fn in _ensures}
