"""The complaints app's entry on the console's home (``core.todo``): the handling office's open
complaints, urgent when one is past its time limit (R-SEC-4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from ownervote.core.todo import Todo

from . import permissions, selectors


def open_complaints(user, today: dt.date) -> Iterator[Todo]:
    if not permissions.handles_complaints(user):
        return
    open_n, overdue_n = selectors.open_count(user, today)
    if not open_n:
        return
    detail = _("%(n)d past the time limit.") % {"n": overdue_n} if overdue_n else ""
    yield Todo(
        key="complaints",
        title=_("Owners' complaints to handle: %(n)d") % {"n": open_n},
        detail=detail,
        url=reverse("complaints:queue"),
        urgent=bool(overdue_n),
    )
