"""The trust app's entry on the console's home (``core.todo``): the open impersonation signals the
street office (or the district bureau, where it handles them) must review (R-TRUST-1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from ownervote.core.todo import Todo

from . import permissions, selectors


def open_signals(user, today: dt.date) -> Iterator[Todo]:
    if not permissions.reviews_signals(user):
        return
    n = selectors.open_count(user)
    if not n:
        return
    yield Todo(
        key="signals",
        title=_("Impersonation signals to review: %(n)d") % {"n": n},
        detail=_("Patterns that suggest votes in someone else's name. They block nobody; review each one."),
        url=reverse("trust:list") + "?status=open",
    )
