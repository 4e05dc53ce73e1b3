"""What bindings tells the apps above it, which it must not import.

``binding_created``: sent synchronously inside ``bind_flat``'s transaction once a binding exists,
with ``sender=Binding, binding=..., actor=<who performed it>``. ``voting`` gives a person bound while
a meeting of the estate is voting their way to vote the flat in it: on paper, since they were bound
after the meeting's publicity began (art. 18, R-VOTE-4, R-VOTE-10: the buyer of a flat sold while
voting runs votes it once the roster records the sale and they bind it)."""

from __future__ import annotations

from django.dispatch import Signal

binding_created = Signal()
