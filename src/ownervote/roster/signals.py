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
"""

from __future__ import annotations

from django.dispatch import Signal

roster_changed = Signal()
totals_confirmed = Signal()
