"""The meetings app's entries on the console's home (``core.todo``): the holiday calendar year the
city operator must load (R-MTG-4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ownervote.core.todo import Todo

from . import permissions, selectors


def calendar_years(user, today: dt.date) -> Iterator[Todo]:
    if not permissions.can_keep_calendar(user):
        return
    for need in selectors.calendar_needs(today):
        year, waiting = need["year"], len(need["requests"])
        if need["reason"] == "this_year":
            detail = _("No meeting can be entered while this year's holidays are missing.")
        elif need["reason"] == "next_year":
            detail = _(
                "The State Council publishes next year's notice in the autumn; meetings held in %(year)d "
                "cannot be entered until it is loaded."
            ) % {"year": year}
        else:
            detail = ""
        if waiting:
            waits = ngettext(
                "%(n)d convener's meeting waits for it.", "%(n)d conveners' meetings wait for it.", waiting
            ) % {"n": waiting}
            detail = f"{detail} {waits}".strip()
        yield Todo(
            key=f"calendar-{year}",
            title=_("Load the official holidays of %(year)d") % {"year": year},
            detail=detail,
            url=f"{reverse('meetings:calendar')}?year={year}#calendar-form",
            due_on=need["due_on"],
            urgent=need["urgent"],
        )
