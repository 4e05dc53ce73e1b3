"""What verification tells and asks the apps above it, which it must not import.

``verified_on_site``: sent synchronously by ``services.onsite_verify`` inside its transaction,
after the passed on-site verification, the person's ``VerifiedIdentity`` and its audit event are
written and before the owner is told, with ``sender=Verification, verification=..., user=<the
owner's account>, flat=<the flat the convener checked>, actor=<the convener>``. A receiver runs in
that transaction: what it writes commits or rolls back with the verification, and a refusal it
raises refuses the verification. ``bindings`` binds the checked flat to the person (R-ID-2).

``identity_in_use``: asked before an account's verified identity is replaced by another person's
(a self-service or on-site verification with a different ID number), with
``sender=VerifiedIdentity, user=...``. A receiver returns True when something relies on the
account being the person it was verified as; the identity is then kept and the new verification
refused. ``bindings`` answers True while the account has an active binding (its flats would stay
bound to the wrong person).

Both receivers are connected in ``BindingsConfig.ready()``.
"""

from __future__ import annotations

from django.dispatch import Signal

verified_on_site = Signal()
identity_in_use = Signal()
