"""Reaching verification's objects: one function per kind, used by every service, view and API
endpoint (``core.access`` explains the pattern). Not found and not visible look the same."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ownervote.core.access import fetch
from ownervote.core.errors import Forbidden, NotFound
from ownervote.roster.access import access_estate
from ownervote.roster.models import Estate

from . import permissions
from .errors import Code
from .models import Method, Verification


class Need(StrEnum):
    OWN = "own"  # one's own verification attempt (self-service or on site)
    SEE = "see"  # an estate's on-site verifications and their photos: its convener and its street office
    VERIFY = "verify"  # verify the estate's owners on site: its convener


ONSITE_RELATED = ("estate", "flat", "flat__building", "checker_organisation", "id_photo", "holding_photo")


def access_onsite_estate(actor, estate_id: int, *, need: Need = Need.SEE) -> Estate:
    """The estate whose on-site verifications ``actor`` may see (``Need.SEE``) or make
    (``Need.VERIFY``): NotFound when the estate is not visible to the actor at all, Forbidden when
    it is visible but its on-site verifications are not the actor's."""
    estate = access_estate(actor, estate_id)
    if not permissions.can_see_onsite(actor, estate):
        raise Forbidden(
            Code.FORBIDDEN,
            _("Only the estate's convener and its street office see its on-site verifications."),
        )
    if need == Need.VERIFY and not permissions.can_verify_onsite(actor, estate):
        raise Forbidden(Code.FORBIDDEN, _("Only the estate's convener verifies its owners on site."))
    return estate


def access_verification(
    actor, verification_id: int, *, need: Need = Need.OWN, estate_id: int | None = None
) -> Verification:
    """One verification: ``Need.OWN`` one of the actor's own attempts; ``Need.SEE`` an on-site one
    (of ``estate_id`` when given), for its estate's convener and the street office of its street.
    Anyone else gets NotFound, exactly as if it did not exist (a photo's address leads nowhere)."""
    missing = NotFound(Code.NOT_FOUND, _("Verification not found."))
    if need == Need.OWN:
        if not getattr(actor, "is_authenticated", False):
            raise missing
        v = fetch(Verification.objects.filter(user_id=actor.pk), verification_id)
        if v is None:
            raise missing
        return v
    if need != Need.SEE:
        raise ValueError(f"a verification is reached to be owned or seen, not {need!r}")
    v = fetch(
        Verification.objects.filter(method=Method.ON_SITE).select_related(*ONSITE_RELATED), verification_id
    )
    if (
        v is None
        or v.estate is None
        or (estate_id is not None and v.estate_id != estate_id)
        or not permissions.can_see_onsite(actor, v.estate)
    ):
        raise missing
    return v


def access_methods(actor) -> None:
    """R-ID-3: the verification methods are changed by the city operator only (Forbidden for
    anyone else; the methods and their notices themselves are public)."""
    if not permissions.can_change_methods(actor):
        raise Forbidden(Code.FORBIDDEN, _("Only the city operator changes the verification methods."))
