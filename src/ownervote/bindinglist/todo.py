"""The binding list's entries on the console's home (``core.todo``): for the convener, the objections
to check before the binding list's publicity ends (R-BIND-4, art. 15 "在公示期内及时予以核实"); for
the supervising office (the street office, or the district bureau where the street office convened),
the objections a convener left undecided past the publicity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from ownervote.core.todo import Todo

from . import permissions, selectors


def overdue_objections(user, today: dt.date) -> Iterator[Todo]:
    if not permissions.sees_overdue_objections(user):
        return
    overdue = selectors.overdue_objections(user, today)
    if not overdue:
        return
    estates = sorted({o.binding.estate.name for o in overdue})
    yield Todo(
        key="objections-overdue",
        title=_("Objections to binding lists left undecided: %(n)d") % {"n": len(overdue)},
        detail=_("The convener did not decide them within the publicity: %(estates)s.")
        % {"estates": "、".join(estates)},
        url=reverse("bindinglist:overdue"),
        due_on=overdue[0].publication.ends_on,
        urgent=True,
    )


def objections_to_check(user, today: dt.date) -> Iterator[Todo]:
    """Per estate the convener keeps, its objections still to decide, due on the last day of the
    publicity they were filed in; gone once each is decided."""
    by_estate: dict[int, list] = {}
    for objection in selectors.objections_to_check(user):
        by_estate.setdefault(objection.binding.estate_id, []).append(objection)
    for estate_id, rows in by_estate.items():
        due = rows[0].publication.ends_on
        yield Todo(
            key=f"binding-objections-{estate_id}",
            title=_("Objections to the binding list of %(estate)s to check: %(n)d")
            % {"estate": rows[0].binding.estate.name, "n": len(rows)},
            detail=_("Check each and record the outcome before the publicity ends (art. 15)."),
            url=reverse("bindinglist:objections", args=[estate_id]) + "?status=filed",
            due_on=due,
            urgent=due <= today,
        )
