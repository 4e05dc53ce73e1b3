"""What needs a staff member now, gathered from every app for the console's home page.

The home page belongs to ``orgs``, low in the layers, and must not import the apps above it. So
each app registers a provider (``@todo.provider``) in its ``AppConfig.ready()``: a function of
``(user, today)`` that yields ``Todo`` entries for what that app needs the user to do, already
limited to what the user may see. The home lists them, the most urgent and the earliest due first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Todo:
    key: str  # stable, e.g. "calendar:2027": the page's element id and the tests' handle
    title: str
    detail: str
    url: str
    due_on: dt.date | None = None
    urgent: bool = False


Provider = Callable[[Any, dt.date], Iterable[Todo]]
_providers: list[Provider] = []


def provider(fn: Provider) -> Provider:
    """Register ``fn`` (once) as a source of to-dos."""
    if fn not in _providers:
        _providers.append(fn)
    return fn


def for_user(user, today: dt.date) -> list[Todo]:
    """Every registered provider's to-dos for ``user``: urgent first, then by due day (none last)."""
    found = [t for p in _providers for t in p(user, today)]
    return sorted(found, key=lambda t: (not t.urgent, t.due_on or dt.date.max, t.title))
