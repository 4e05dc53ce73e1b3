"""The binding list's entry on the console's home (``core.todo``): for the supervising office
(the street office, or the district bureau where the street office convened), the objections a
convener left undecided past the binding list's publicity (R-BIND-4, art. 15 "在公示期内及时予以核实")."""

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
