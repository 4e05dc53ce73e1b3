"""The thresholds of the impersonation signals in force for an estate (R-TRUST-1): the platform's
defaults (``rules.trust.Thresholds``, explained there and in docs/signals.md) with the overrides
its city set (``CityThresholds``). Only the city operator sets them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.errors import Forbidden, InvalidInput, require
from ownervote.orgs import scoping
from ownervote.orgs.models import Division, Organisation
from ownervote.roster.models import Estate
from ownervote.rules.trust import Thresholds, invalid_values

from .errors import Code
from .models import CityThresholds

PROBLEMS = {
    "unknown": _("There is no such threshold."),
    "not_integer": _("Enter a whole number."),
    "below_one": _("The threshold must be at least 1."),
    "above_hundred": _("A percentage is at most 100."),
    "too_large": _("The threshold must be at most 100000."),
}


def city_of(estate: Estate) -> int:
    """The id of the city division above the estate's street (street > district > city)."""
    return estate.street.parent.parent_id


def thresholds_of_city(city_id: int | None) -> Thresholds:
    row = CityThresholds.objects.filter(city_id=city_id).first() if city_id else None
    return Thresholds().overridden(row.values()) if row else Thresholds()


def thresholds_for(estate: Estate) -> Thresholds:
    """The thresholds in force for ``estate``: its city's overrides over the defaults."""
    return thresholds_of_city(city_of(estate))


def access_thresholds(actor) -> Division:
    """The city whose thresholds ``actor`` sets: the city operator's city. Anyone else is refused
    (403: the thresholds are the city's, not a secret, but nobody else changes or reads them here)."""
    city = next(
        (
            a.division
            for a in scoping.approved_associations(actor)
            if a.organisation.kind == Organisation.Kind.CITY_OPERATOR
            and a.division_id
            and a.division.kind == Division.Kind.CITY
        ),
        None,
    )
    require(
        city is not None,
        Forbidden(Code.THRESHOLDS_FORBIDDEN, _("Only the city operator sets the thresholds of the signals.")),
    )
    return city


def thresholds_view(*, actor) -> dict:
    """The caller's city, the defaults, the city's overrides and the thresholds in force."""
    city = access_thresholds(actor)
    row = CityThresholds.objects.filter(city=city).first()
    overrides = row.values() if row else dict.fromkeys(CityThresholds.FIELDS)
    return {
        "city": city,
        "defaults": Thresholds().as_dict(),
        "overrides": overrides,
        "effective": Thresholds().overridden(overrides).as_dict(),
        "updated_at": row.updated_at if row else None,
        "updated_by": row.updated_by.display_name() if row else "",
    }


def thresholds_set(*, actor, city: Division, values: dict, now: dt.datetime | None = None) -> CityThresholds:
    """The city operator sets its city's thresholds: ``values`` by field name, an empty value (None)
    going back to the default. Every value is a whole number of at least 1, a percentage at most
    100; anything else is refused and nothing changes. Audited ("trust.thresholds_set")."""
    own = access_thresholds(actor)
    require(
        city is not None and city.pk == own.pk,
        Forbidden(Code.THRESHOLDS_FORBIDDEN, _("Only the city operator sets the thresholds of the signals.")),
    )
    values = dict(values or {})
    problems = invalid_values(values)
    require(
        not problems,
        InvalidInput(
            Code.THRESHOLD_INVALID,
            _("Some thresholds are not valid."),
            details={name: str(PROBLEMS[p]) for name, p in problems.items()},
        ),
    )
    now = now or timezone.now()
    with transaction.atomic():
        row = CityThresholds.objects.select_for_update().filter(city=city).first()
        before = row.values() if row else dict.fromkeys(CityThresholds.FIELDS)
        if row is None:
            row = CityThresholds(city=city)
        for name in CityThresholds.FIELDS:
            if name in values:
                setattr(row, name, values[name])
        row.updated_by = actor
        row.updated_at = now
        row.save()
        record(
            actor=actor,
            action="trust.thresholds_set",
            obj=row,
            summary={"city": city.pk, "before": before, "after": row.values()},
        )
    return row
