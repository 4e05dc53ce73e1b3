"""Reaching the binding list's objects: an estate's list, a publication, an objection, and a binding
as a row of the list (what an objection is against). Used by every service, view and API endpoint
of ``bindinglist`` (``core.access`` explains the pattern): not found and not visible look the same
(404); visible but not allowed is 403."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ownervote.bindings.models import Binding
from ownervote.core.access import fetch
from ownervote.core.errors import Forbidden, NotFound
from ownervote.roster.models import Estate

from . import permissions
from .errors import Code
from .models import Objection, Publication


class Need(StrEnum):
    SEE = "see"  # read it: the staff who see the estate and its bound owners (an objection: its filer too)
    PUBLISH = "publish"  # publish or withdraw the estate's list: its convener
    DECIDE = "decide"  # check an objection and record the outcome: the estate's convener


OBJECTION_RELATED = (
    "publication",
    "binding",
    "binding__estate",
    "binding__flat",
    "binding__flat__building",
    "binding__user",
    "binding__user__verified_identity",
    "binding__staff__organisation",
    "filed_by",
    "filed_by__verified_identity",
)
LISTED_BINDING_RELATED = (
    "estate",
    "flat",
    "flat__building",
    "user",
    "user__verified_identity",
    "staff__organisation",
)


def _convener_only() -> Forbidden:
    return Forbidden(Code.FORBIDDEN, _("Only the estate's approved convener can do this."))


def access_list(actor, estate_id: int, *, need: Need = Need.SEE, lock: bool = False) -> Estate:
    """The estate whose binding list ``actor`` may see (NotFound otherwise); ``Need.PUBLISH``: and
    publish (Forbidden unless its convener). ``lock``: the estate row locked for update (it orders
    the changes of the estate's list)."""
    estate = fetch(Estate.objects.select_related("street", "street__parent", "community"), estate_id)
    if estate is None or not permissions.can_see_list(actor, estate):
        raise NotFound(Code.ESTATE_NOT_FOUND, _("Estate not found."))
    if need == Need.PUBLISH and not permissions.can_publish(actor, estate):
        raise _convener_only()
    if lock:
        estate = fetch(Estate.objects, estate.pk, lock=True)
    return estate


def access_publication(
    actor, publication_id: int, *, need: Need = Need.SEE, lock: bool = False
) -> Publication:
    """A publication of a list ``actor`` may see (NotFound otherwise); ``Need.PUBLISH``: and
    withdraw (Forbidden unless the estate's convener)."""
    publication = fetch(
        Publication.objects.select_related("estate", "publisher_organisation"), publication_id
    )
    if publication is None or not permissions.can_see_list(actor, publication.estate):
        raise NotFound(Code.PUBLICATION_NOT_FOUND, _("Publication not found."))
    if need == Need.PUBLISH and not permissions.can_publish(actor, publication.estate):
        raise _convener_only()
    if lock:
        publication = fetch(Publication.objects, publication.pk, lock=True)
    return publication


def access_objection(actor, objection_id: int, *, need: Need = Need.SEE, lock: bool = False) -> Objection:
    """An objection ``actor`` may see, its filer or staff who see its estate (NotFound otherwise);
    ``Need.DECIDE``: and decide (Forbidden unless the estate's convener)."""
    objection = fetch(
        Objection.objects.select_related(*OBJECTION_RELATED).prefetch_related("files"), objection_id
    )
    if objection is None or not permissions.can_see_objection(actor, objection):
        raise NotFound(Code.OBJECTION_NOT_FOUND, _("Objection not found."))
    if need == Need.DECIDE and not permissions.can_decide_objection(actor, objection):
        raise Forbidden(
            Code.OBJECTION_FORBIDDEN, _("Only the estate's approved convener can decide objections.")
        )
    if lock:
        objection = fetch(Objection.objects, objection.pk, lock=True)
    return objection


def access_listed_binding(actor, binding_id: int, *, lock: bool = False) -> Binding:
    """A binding as a row of a list ``actor`` may see (what an objection is against); NotFound
    otherwise. ``lock``: its row locked for update first."""
    if lock and fetch(Binding.objects, binding_id, lock=True) is None:
        binding = None
    else:
        binding = fetch(Binding.objects.select_related(*LISTED_BINDING_RELATED), binding_id)
    if binding is None or not permissions.can_see_list(actor, binding.estate):
        raise NotFound(Code.BINDING_NOT_FOUND, _("Binding not found."))
    return binding
