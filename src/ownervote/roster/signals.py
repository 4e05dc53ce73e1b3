"""What the roster tells the apps above it, which it must not import.

``roster_changed``: sent synchronously, inside the transaction of a service that changed who owns
what in an estate (an applied roster import ends and starts ownerships), with
``sender=Estate, estate=..., actor=..., note=<the change's reason>``. A receiver runs in that
transaction: what it writes commits or rolls back with the roster change. ``bindings`` ends the
bindings of owners the roster no longer lists (R-BIND-2, art. 13) by connecting a receiver in its
``AppConfig.ready()``.

``totals_confirmed``: sent inside ``totals_confirm``'s transaction, with ``sender=Estate,
estate=..., snapshot=..., actor=...``. ``voting`` queues the opening of a meeting whose voting was
held back because the totals were missing or no longer matched the roster (R-ROSTER-1).

``flats_in_use``: sent by a roster import's preview and apply, with ``sender=Estate,
estate=...``; each receiver returns the ids of the estate's flats that hold a ballot of a meeting
still voting (``voting`` answers). Removing or changing one of them needs a typed confirmation.
"""

from __future__ import annotations

from django.dispatch import Signal

roster_changed = Signal()
totals_confirmed = Signal()
flats_in_use = Signal()


def flats_with_running_ballots(estate) -> set[int]:
    """The estate's flats holding a ballot of a meeting still voting, as the apps above say."""
    found: set[int] = set()
    for _receiver, flat_ids in flats_in_use.send(sender=type(estate), estate=estate):
        found.update(flat_ids or ())
    return found
