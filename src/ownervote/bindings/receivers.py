"""What bindings does when the apps below it tell or ask it something (connected in
``BindingsConfig.ready()``): they must not import bindings, so they send signals.

- ``roster.signals.roster_changed``: an applied roster import changed who owns what; the bindings
  of owners the roster no longer lists end in the same transaction (R-BIND-2, art. 13).
- ``verification.signals.verified_on_site``: the convener verified an owner on site; the flat it
  checked is bound to the person in the same transaction (R-ID-2), unless it already is; the
  binding keeps the verification's device and address (the convener's, R-TRUST-1).
- ``verification.signals.identity_in_use``: an account bound to flats as one person cannot be
  re-verified as somebody else (the flats would stay bound to the wrong person).
"""

from __future__ import annotations

from .models import Binding
from .services import bind_flat, end_for_ownership_changes


def end_bindings_for_roster_change(sender, *, estate, actor, note: str = "", **kwargs) -> None:
    end_for_ownership_changes(estate=estate, actor=actor, note=note)


def bind_flat_verified_on_site(sender, *, verification, user, flat, actor, **kwargs) -> None:
    if not Binding.objects.filter(user=user, flat=flat, status=Binding.Status.ACTIVE).exists():
        bind_flat(
            actor=user,
            flat_id=flat.pk,
            performed_by=actor,
            device_hash=verification.device_hash,  # the convener's phone, as on the verification
            client_ip=verification.client_ip,
        )


def has_active_bindings(sender, *, user, **kwargs) -> bool:
    return Binding.objects.filter(user=user, status=Binding.Status.ACTIVE).exists()
