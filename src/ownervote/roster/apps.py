from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "ownervote.roster"
    label = "roster"

    def ready(self) -> None:
        # Imported here: the eraser reads the models, which exist once the app registry is ready.
        from ownervote.core import retention

        from .retention import erase_imports

        # R-SEC-7: roster import files, erased by the retention job (audit.retention).
        retention.eraser("roster_import")(erase_imports)
