"""A small limiter for anonymous actions that have no account to lock (registration): a count per
key and fixed window in Django's cache. With several server processes the cache must be shared
(production uses the database cache, settings/prod.py); the per-process default of development
counts per process.

``hit(scope=..., key=..., limit=..., window_seconds=...)`` counts one attempt and raises
``TooMany`` (429, with ``retry_after`` seconds in its details) once the window holds more than
``limit``.
"""

from __future__ import annotations

import time

from django.core.cache import cache

from .errors import ServiceError


class TooMany(ServiceError):
    status = 429


def hit(*, scope: str, key: str, limit: int, window_seconds: int, code: str, message) -> None:
    """Count an attempt; ``TooMany(code, message % {"minutes": ...})`` past the limit."""
    now = int(time.time())
    window = now // window_seconds
    name = f"ov-throttle:{scope}:{key}:{window}"
    cache.add(name, 0, timeout=window_seconds + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=window_seconds + 5)
        count = 1
    if count > limit:
        retry_after = (window + 1) * window_seconds - now
        minutes = max(1, -(-retry_after // 60))
        raise TooMany(code, message % {"minutes": minutes}, details={"retry_after": retry_after})
