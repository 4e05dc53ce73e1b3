from django.apps import AppConfig

from ownervote.roster.signals import roster_changed
from ownervote.verification.signals import identity_in_use, verified_on_site


class BindingsConfig(AppConfig):
    name = "ownervote.bindings"
    label = "bindings"

    def ready(self) -> None:
        # Imported here: the receivers use the models, which exist once the app registry is ready.
        from ownervote.core import retention

        from . import receivers
        from .retention import erase_ended_bindings

        roster_changed.connect(receivers.end_bindings_for_roster_change, dispatch_uid=f"{self.label}.roster")
        verified_on_site.connect(receivers.bind_flat_verified_on_site, dispatch_uid=f"{self.label}.on_site")
        identity_in_use.connect(receivers.has_active_bindings, dispatch_uid=f"{self.label}.identity")
        # R-SEC-7: ended bindings, anonymised by the retention job (audit.retention).
        retention.eraser("ended_binding")(erase_ended_bindings)
