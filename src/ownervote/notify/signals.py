"""What happens to a message, for the apps above notify to act on (they connect receivers in their
``AppConfig.ready()``; notify imports none of them). Each is sent inside the transaction that
records it, after the change is written.

- ``notifications_read(user, ids, at)``: ``user`` marked the inbox rows ``ids`` read at ``at``.
- ``message_sent(message)``: the provider (SMS or WeChat) accepted an outbox message; ``message``
  is the ``OutboxMessage`` with its ``sent_at``.
- ``message_delivered(message)``: the provider's delivery report says the SMS or WeChat message
  reached the handset (``message.delivery == "delivered"``, ``message.delivered_at`` the
  provider's time of it). Sent once per message (``notify.receipts``).

A receiver's failure must not undo what the provider already did: receivers that only keep a
record of it (``meetings.service``) log their own errors instead of raising.
"""

from __future__ import annotations

from django.dispatch import Signal

notifications_read = Signal()
message_sent = Signal()
message_delivered = Signal()
