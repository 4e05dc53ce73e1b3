"""Links from the owner pages to the other owner apps' pages (names from docs/CONTRACTS.md,
"Issue 3: URL names")."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse


def link(name: str, *args) -> str:
    return reverse(name, args=args)


def with_next(url: str, next_url: str) -> str:
    """``url`` that returns to ``next_url`` afterwards (a path on this site)."""
    return f"{url}?{urlencode({'next': next_url})}"
