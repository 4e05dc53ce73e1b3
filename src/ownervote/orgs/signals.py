"""What happens to associations, for the apps above orgs to act on (they connect receivers in their
``AppConfig.ready()``; orgs imports none of them). Sent inside the service's transaction, after the
change is written: a receiver's writes commit or roll back with it, and a receiver that raises
refuses the change.

- ``convener_handed_over(estate, ended, committee, actor)``: an owners' committee was approved for
  ``estate`` (``committee``, its association), and the street office's or community committee's
  convener associations of the estate (``ended``, a list) ended as ``handed_over`` (R-ORG-3,
  R-ORG-4). ``results`` refuses it while one of their meetings there is unfinished, and tells the
  old convener's staff.
- ``account_security(account, what, until)``: something the holder of a staff account must hear of
  at once (R-SEC-1): ``"locked_out"`` (sign-in paused until ``until`` after wrong passwords),
  ``"code_issued"`` (an enrolment code was issued for it), ``"second_factor_reset"``. The console
  tells the account (inbox and SMS): if it was not them, they know to ask.

- ``registration_received(username, mobile, registered)``: someone registered (``registered``) or
  tried a username that is taken (nothing was written). The applicant is told the outcome out of
  band, by a text message to ``mobile`` (identity), never in the answer to the request.
"""

from __future__ import annotations

from django.dispatch import Signal

convener_handed_over = Signal()
account_security = Signal()
registration_received = Signal()
