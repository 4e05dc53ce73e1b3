"""Reaching a binding, and the public estate one binds a flat in: used by every service, view and
API endpoint of ``bindings`` (``core.access`` explains the pattern). Somebody else's binding is
"not found"."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ownervote.core.access import fetch
from ownervote.core.errors import NotFound
from ownervote.roster.models import Estate

from . import permissions
from .errors import Code
from .models import Binding


class Need(StrEnum):
    OWN = "own"  # the binding is the actor's own: see it and end it


BINDING_RELATED = ("estate", "flat", "flat__building", "user")


def access_binding(actor, binding_id: int, *, need: Need = Need.OWN, lock: bool = False) -> Binding:
    """One of ``actor``'s own bindings, active or ended (locked for update when ``lock``); anybody
    else's, or none, is NotFound."""
    # A locked row is read without joins: FOR UPDATE would lock the estate, flat and user rows too.
    rows = Binding.objects.all() if lock else Binding.objects.select_related(*BINDING_RELATED)
    binding = fetch(rows, binding_id, lock=lock)
    if binding is None or not permissions.can_end_binding(actor, binding):
        raise NotFound(Code.NOT_FOUND, _("Binding not found."))
    if lock:
        binding = Binding.objects.select_related(*BINDING_RELATED).get(pk=binding.pk)
    return binding


def access_public_estate(estate_id: int) -> Estate:
    """Any estate, for finding one's flat in it: estates, buildings and rooms are public (their
    names and addresses are on the poster at the gate anyway); nothing of their owners is.
    NotFound only when it does not exist."""
    estate = fetch(Estate.objects.select_related("street", "street__parent", "community"), estate_id)
    if estate is None:
        raise NotFound(Code.ESTATE_NOT_FOUND, _("Estate not found."))
    return estate
