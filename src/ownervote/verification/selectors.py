"""Reads of verifications, always through the reader's scope (``access``). Missing and not
visible look the same. Who may do what is decided in ``permissions``."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from ownervote.orgs.models import Association, Organisation
from ownervote.orgs.scoping import CONVENER_KINDS
from ownervote.roster.models import Estate

from .access import Need, access_onsite_estate
from .models import Method, MethodNotice, Verification, VerifiedIdentity

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


def latest_verification(user) -> Verification | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Verification.objects.filter(user=user).order_by("-started_at", "-id").first()


# --- on site (R-ID-2) -------------------------------------------------------------------------------


def onsite_for(actor, estate_id: int) -> QuerySet[Verification]:
    """The estate's on-site verifications, newest first: for its convener and its street office
    (``access_onsite_estate``: NotFound for an estate not seen, Forbidden for other staff)."""
    estate = access_onsite_estate(actor, estate_id, need=Need.SEE)
    return (
        Verification.objects.filter(estate=estate, method=Method.ON_SITE)
        .select_related("flat", "flat__building", "checker_organisation")
        .order_by("-started_at", "-id")
    )


# --- where to be verified on site (R-SEC-7: the path without the face) -------------------------------


def onsite_place(estate_id: int | None) -> dict | None:
    """The estate an owner came from (a QR landing), for the on-site path: its name, address and
    the organisations approved to convene it (who verify on site). None when unknown. Public
    facts: the estate's page shows them to anyone with its QR code."""
    if not estate_id:
        return None
    estate = Estate.objects.filter(pk=estate_id).select_related("street").first()
    if estate is None:
        return None
    conveners = (
        Organisation.objects.filter(
            kind__in=CONVENER_KINDS,
            associations__estate=estate,
            associations__status=Association.Status.APPROVED,
        )
        .distinct()
        .order_by("name")
    )
    return {"estate": estate, "conveners": [org.name for org in conveners]}
