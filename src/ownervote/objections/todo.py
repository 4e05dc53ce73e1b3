"""Objections on the console's home (``core.todo``, R-TRUST-2): the convener's open objections
with the day they must be answered by; the street office's objections sent to it as complaints
(disputed, or unanswered in time) and those past their last day that the sweep has yet to send."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from ownervote.core.todo import Todo

from . import selectors


def convener_objections(user, today: dt.date) -> Iterator[Todo]:
    for row in selectors.open_for_convener(user):
        yield Todo(
            key=f"objections-{row['meeting_id']}",
            title=_("Objections to the result to answer: %(n)d") % {"n": row["n"]},
            detail=_("Answer by %(date)s.") % {"date": row["first"].isoformat()},
            url=reverse("objections:console", args=[row["meeting_id"]]),
            due_on=row["first"],
            urgent=row["first"] <= today,
        )


def supervisor_objections(user, today: dt.date) -> Iterator[Todo]:
    sent, overdue = selectors.for_supervisor(user, today)
    if not (sent or overdue):
        return
    yield Todo(
        key="objections-supervised",
        title=_("Objections to results sent to you: %(n)d") % {"n": sent + overdue},
        detail=_(
            "%(sent)d disputed or unanswered, now complaints; %(late)d past the convener's time to answer."
        )
        % {"sent": sent, "late": overdue},
        url=reverse("complaints:queue"),
        urgent=True,
    )
