"""The lines objections add to a meeting's result pages (``results.panels``, R-TRUST-2): "异议 N 件，
已答复 M 件"; on the public page while the result is publicised, the link to raise one; on the
console, the link to the meeting's objections."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ownervote.meetings import selectors as meeting_selectors
from ownervote.results.panels import CONSOLE, PUBLIC, Line
from ownervote.rules import objections as rules

from . import selectors
from .access import publicity_of


def objection_lines(meeting, page: str) -> Iterator[Line]:
    raised, answered = selectors.counts(meeting)
    yield Line(
        key="objection-counts",
        text=_("Objections: %(n)d raised, %(m)d answered") % {"n": raised, "m": answered},
        url=reverse("objections:console", args=[meeting.pk]) if page == CONSOLE else "",
    )
    if page == PUBLIC:
        today = timezone.localdate(timezone.now(), meeting_selectors.beijing())
        publicity = publicity_of(meeting.pk, today)
        if publicity is not None and rules.in_publicity(today, publicity.starts_on, publicity.ends_on):
            yield Line(
                key="raise-objection",
                text=_("Raise an objection"),
                url=reverse("objections:new", args=[meeting.pk]),
            )
