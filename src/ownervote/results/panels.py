"""Extra lines on a meeting's result pages, from the apps above results (R-TRUST-2: "异议 N 件，
已答复 M 件"). results must not import them, so each registers a provider in its
``AppConfig.ready()``: a function of ``(meeting)`` that yields ``Line`` entries. The public result
page and the result console show every registered provider's lines, in registration order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Line:
    key: str  # stable: the element id on the page and the tests' handle
    text: str
    url: str = ""  # a link for the line, or none


PUBLIC = "public"
CONSOLE = "console"

Provider = Callable[[Any, str], Iterable[Line]]
_providers: list[Provider] = []


def provider(fn: Provider) -> Provider:
    """Register ``fn`` (once) as a source of lines for a meeting's result pages."""
    if fn not in _providers:
        _providers.append(fn)
    return fn


def lines_for(meeting, page: str) -> list[Line]:
    return [line for p in _providers for line in p(meeting, page)]
