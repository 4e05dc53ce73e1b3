"""What happens to objections, for the apps above objections to act on (they connect receivers in
their ``AppConfig.ready()``; objections imports none of them).

- ``objection_raised(objection)``: an owner raised an objection (R-TRUST-2), sent once the raise
  has committed (``transaction.on_commit``). ``trust`` raises a disowned-ballot signal (R-TRUST-1)
  for a ``never_voted`` objection on the owner's own flat.
"""

from __future__ import annotations

from django.dispatch import Signal

objection_raised = Signal()
