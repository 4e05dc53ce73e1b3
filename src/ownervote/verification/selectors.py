"""Reads of verifications, always through the reader's scope. Missing and forbidden look the same."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.core.errors import Forbidden, NotFound
from ownervote.orgs import scoping
from ownervote.roster.models import Estate
from ownervote.roster.selectors import estate_for

from .models import Method, MethodNotice, Verification, VerifiedIdentity

# --- who may do what (built on orgs.scoping, which decides who sees which estate) ---------------


def is_city_operator(user) -> bool:
    """R-ID-3: the city operator (an approved association of a city_operator organisation)."""
    return scoping.is_city_operator(user)


def can_see_onsite(user, estate: Estate) -> bool:
    """R-ID-2: the on-site verifications of an estate (and their photos) are seen by its convener,
    who made them, and the street office of its street."""
    return scoping.can_keep_roster(user, estate) or scoping.supervises_estate(user, estate)


# --- methods and notices (R-ID-3) ---------------------------------------------------------------


def published_notices() -> QuerySet[MethodNotice]:
    """Every notice, newest first: they are public."""
    return MethodNotice.objects.order_by("-published_at", "-id")


def method_notice_in_force(method: str, *, on: dt.date | None = None) -> MethodNotice | None:
    """The latest notice about ``method`` effective on or before ``on`` (today by default); of two
    effective the same day, the one published later."""
    on = on or timezone.localdate()
    return (
        MethodNotice.objects.filter(method=method, effective_on__lte=on)
        .order_by("-effective_on", "-published_at", "-id")
        .first()
    )


def method_enabled(method: str, *, on: dt.date | None = None) -> bool:
    """Whether ``method`` is offered on ``on`` (today by default): as the latest notice effective
    on or before that day says; enabled when no notice says anything."""
    notice = method_notice_in_force(method, on=on)
    return True if notice is None else notice.enabled


def method_states(*, on: dt.date | None = None) -> list[dict]:
    """Each method with its state today and the next change already announced, if any."""
    on = on or timezone.localdate()
    states = []
    for method, label in Method.choices:
        upcoming = (
            MethodNotice.objects.filter(method=method, effective_on__gt=on)
            .order_by("effective_on", "published_at", "id")
            .first()
        )
        states.append(
            {
                "method": method,
                "label": label,
                "enabled": method_enabled(method, on=on),
                "notice": method_notice_in_force(method, on=on),
                "upcoming": upcoming,
            }
        )
    return states


# --- people ---------------------------------------------------------------------------------------


def verified_identity(user) -> VerifiedIdentity | None:
    """Who ``user`` has been verified to be, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return VerifiedIdentity.objects.filter(user=user).select_related("verification").first()


def own_verification(user, verification_id: int) -> Verification:
    """One of the user's own verification attempts (404 for anyone else's)."""
    v = None
    if getattr(user, "is_authenticated", False):
        v = Verification.objects.filter(pk=verification_id, user=user).first()
    if v is None:
        raise NotFound("verification.not_found", _("Verification not found."))
    return v


def latest_verification(user) -> Verification | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Verification.objects.filter(user=user).order_by("-started_at", "-id").first()


# --- on site (R-ID-2) -------------------------------------------------------------------------------


def onsite_estate(actor, estate_id: int) -> Estate:
    """The estate, if the actor may see its on-site verifications: 404 when the estate is not
    visible at all, 403 when it is visible but its on-site verifications are not the actor's."""
    estate = estate_for(actor, estate_id)
    if not can_see_onsite(actor, estate):
        raise Forbidden(
            "verification.forbidden",
            _("Only the estate's convener and its street office see its on-site verifications."),
        )
    return estate


def onsite_for(actor, estate_id: int) -> QuerySet[Verification]:
    estate = onsite_estate(actor, estate_id)
    return (
        Verification.objects.filter(estate=estate, method=Method.ON_SITE)
        .select_related("flat", "flat__building", "checker_organisation")
        .order_by("-started_at", "-id")
    )


def onsite_verification(actor, verification_id: int, *, estate_id: int | None = None) -> Verification:
    """One on-site verification, for the estate's convener and the street office of its street
    only; anyone else gets 404, exactly as if it did not exist."""
    v = (
        Verification.objects.filter(pk=verification_id, method=Method.ON_SITE)
        .select_related(
            "estate", "flat", "flat__building", "checker_organisation", "id_photo", "holding_photo"
        )
        .first()
    )
    if (
        v is None
        or v.estate is None
        or (estate_id is not None and v.estate_id != estate_id)
        or not can_see_onsite(actor, v.estate)
    ):
        raise NotFound("verification.not_found", _("Verification not found."))
    return v
