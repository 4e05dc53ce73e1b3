"""Reaching impersonation signals (``core.access`` explains the pattern): used by every service,
view and API endpoint of ``trust``. Not found and not visible look the same (404); visible but not
allowed is 403; an owner's account is refused outright (403)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ownervote.core.access import fetch, reach
from ownervote.core.errors import Forbidden, NotFound

from . import permissions
from .errors import Code
from .models import Signal


class Need(StrEnum):
    SEE = "see"  # read it, its masked evidence and its history: the handler and the district above
    REVIEW = "review"  # record the outcome of a review: the handling office
    REVEAL = "reveal"  # see one masked value in clear (logged): the handling office


SIGNAL_RELATED = (
    "estate",
    "estate__street",
    "meeting",
    "handler_division",
    "reviewed_by",
    "complaint",
)


def access_signal(actor, signal_id: int, *, need: Need = Need.SEE, lock: bool = False) -> Signal:
    """A signal ``actor`` may see (NotFound otherwise); ``Need.REVIEW`` / ``Need.REVEAL``: and act on
    (Forbidden unless its handling office). ``lock``: its row locked for update."""
    if not permissions.is_staff(actor):
        raise Forbidden(Code.STAFF_ONLY, _("Impersonation signals are reviewed by the street office."))
    signal = reach(
        Signal.objects.select_related(*SIGNAL_RELATED),
        signal_id,
        lock=False,
        sees=lambda s: permissions.can_see(actor, s),
        may=lambda s: need == Need.SEE or permissions.can_review(actor, s),
        missing=NotFound(Code.NOT_FOUND, _("Signal not found.")),
        refused=Forbidden(Code.FORBIDDEN, _("Only the office handling the signal can do this.")),
    )
    if lock:
        fetch(Signal.objects, signal.pk, lock=True)
        signal.refresh_from_db()
    return signal
