"""The console's entry on its home (``core.todo``): the applications for an association the user
decides (R-ORG-1: the street office decides a convener's and a community committee's, the district
bureau a street office's, the city operator a district bureau's). No rule sets them a deadline: the
oldest waits longest and comes first; the link opens it when it is the only one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ownervote.core.todo import Todo
from ownervote.orgs import scoping
from ownervote.orgs.models import Association


def applications(user, today: dt.date) -> Iterator[Todo]:
    pending = list(
        scoping.decidable_by(user)
        .filter(status=Association.Status.PENDING)
        .select_related("organisation")
        .order_by("applied_at", "id")[:2]
    )
    if not pending:
        return
    n = scoping.decidable_by(user).filter(status=Association.Status.PENDING).count()
    first = pending[0]
    url = (
        reverse("console:association_decide", args=[first.pk])
        if n == 1
        else reverse("console:associations") + "?status=pending"
    )
    yield Todo(
        key="applications",
        title=_("Applications for an association to decide: %(n)d") % {"n": n},
        detail=_("The oldest, from %(org)s, waits since %(date)s.")
        % {"org": first.organisation.name, "date": timezone.localdate(first.applied_at).isoformat()},
        url=url,
    )
