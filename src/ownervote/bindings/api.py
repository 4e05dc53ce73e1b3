"""/api/bindings: verified owners bind the flats they own (R-BIND-1) and end their bindings.

Every endpoint needs a signed-in account. Binding needs a verified identity (403
``binding.not_verified``) and a current ownership of the flat in the roster, as the person or as
an organisation's authorised staff (422 ``binding.not_owner``); one active binding per person
per flat (409 ``binding.already_bound``). Estates, buildings and rooms are public; who owns a
flat is never shown, except the caller's own matches (``/estates/{id}/suggestions``)."""

from __future__ import annotations

from ninja import Router
from ninja.responses import Status

from ownervote.core.devices import traces
from ownervote.core.schemas import ERRORS, Id

from . import selectors, services
from .access import access_public_estate
from .schemas import BindIn, BindingOut, EstateFoundOut, FlatRef, SuggestionOut

router = Router(tags=["bindings"])


@router.get("", response={200: list[BindingOut], **ERRORS}, summary="My bindings")
def my_bindings(request):
    """The caller's bindings, active and ended (with the reason), newest first."""
    return selectors.bindings_of(request.auth)


@router.post("", response={201: BindingOut, **ERRORS}, summary="Bind a flat")
def bind(request, body: BindIn):
    """Bind a flat the caller owns in the roster (R-BIND-1)."""
    binding = services.bind_flat(
        actor=request.auth, flat_id=body.flat_id, owner_id=body.owner_id, **traces(request)
    )
    return Status(201, selectors.bindings_of(request.auth).get(pk=binding.pk))


@router.post("/{binding_id}/end", response={200: BindingOut, **ERRORS}, summary="End my binding")
def end(request, binding_id: Id):
    """End one of the caller's own bindings; anybody else's is 404."""
    binding = services.binding_end(actor=request.auth, binding_id=binding_id)
    return selectors.bindings_of(request.auth).get(pk=binding.pk)


@router.get("/estates", response={200: list[EstateFoundOut], **ERRORS}, summary="Find an estate")
def estates(request, q: str = ""):
    """Estates whose name or address contains ``q`` (at most 20)."""
    return selectors.estate_search(q)


@router.get(
    "/estates/{estate_id}/flats", response={200: list[FlatRef], **ERRORS}, summary="Flats of an estate"
)
def estate_flats(request, estate_id: Id):
    """The estate's flats in the roster: building and room only."""
    return selectors.flats_of_estate(access_public_estate(estate_id))


@router.get(
    "/estates/{estate_id}/suggestions", response={200: list[SuggestionOut], **ERRORS}, summary="My flats here"
)
def suggestions(request, estate_id: Id):
    """Flats of the estate the caller may bind (their verified ID number, or an organisation that
    authorises them, is a current owner). Empty for anyone not verified."""
    return selectors.my_matching_flats(request.auth, access_public_estate(estate_id))
