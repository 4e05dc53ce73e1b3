from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "ownervote.complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        # Imported here: these modules import models, which exist only once the app registry is
        # ready (``ready()`` runs then).
        from ownervote.core import retention, todo

        from . import todo as complaint_todos
        from .retention import erase_complaints

        todo.provider(complaint_todos.open_complaints)
        # R-SEC-7: closed complaints, anonymised by the retention job (audit.retention).
        retention.eraser("complaint")(erase_complaints)
