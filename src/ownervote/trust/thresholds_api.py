"""/api/trust/thresholds: the city's thresholds of the impersonation signals (R-TRUST-1).

- ``GET``: the caller's city, the platform's defaults, the city's overrides (``null``: the
  default applies) and the thresholds in force.
- ``PUT``: replaces the city's overrides (a field left out or ``null`` goes back to the default).

The city operator only: anyone else 403 ``trust.thresholds_forbidden`` (an owner's account 403
``account.staff_only``). A value below 1, or a percentage (``onsite_share``) above 100, is 422
``trust.threshold_invalid`` with the fields in ``details``; a value that is not a whole number is
422 ``invalid_input``. Nothing changes on a refusal. What each threshold means: docs/signals.md.
"""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from ownervote.core.schemas import ERRORS

from .thresholds import thresholds_set, thresholds_view

router = Router(tags=["signals"])


class CityOut(Schema):
    id: int
    name: str


class ThresholdValues(Schema):
    shared_flats: int | None = None
    shared_owners: int | None = None
    burst_min: int | None = None
    burst_days: int | None = None
    burst_factor: int | None = None
    baseline_days: int | None = None
    onsite_min: int | None = None
    onsite_share: int | None = None
    onsite_days: int | None = None
    proxy_flats: int | None = None
    proxy_owners: int | None = None
    address_ballots: int | None = None
    address_minutes: int | None = None


class ThresholdsOut(Schema):
    city: CityOut
    defaults: dict[str, int]
    overrides: ThresholdValues
    effective: dict[str, int]
    updated_at: dt.datetime | None
    updated_by: str


@router.get("", response={200: ThresholdsOut, **ERRORS}, summary="The city's signal thresholds")
def get_thresholds(request):
    """The thresholds of the caller's city: defaults, overrides and those in force (city operator)."""
    return thresholds_view(actor=request.auth)


@router.put("", response={200: ThresholdsOut, **ERRORS}, summary="Set the city's signal thresholds")
def put_thresholds(request, body: ThresholdValues):
    """Replace the city's overrides; ``null`` or left out: the default (city operator only)."""
    view = thresholds_view(actor=request.auth)
    thresholds_set(actor=request.auth, city=view["city"], values=body.dict())
    return thresholds_view(actor=request.auth)
