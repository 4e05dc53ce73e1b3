from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectionsConfig(AppConfig):
    name = "ownervote.objections"
    verbose_name = _("Objections to the result")

    def ready(self) -> None:
        # Imported here: these modules import models, which exist only once the app registry is
        # ready (``ready()`` runs then).
        from ownervote.core import periodic, retention, todo
        from ownervote.results import panels as result_panels

        from . import panels
        from . import todo as objection_todos
        from .retention import erase_result_objections
        from .tasks import ensure_objection_sweep

        todo.provider(objection_todos.convener_objections)
        todo.provider(objection_todos.supervisor_objections)
        result_panels.provider(panels.objection_lines)
        periodic.register(ensure_objection_sweep)
        # R-SEC-7: objections to a result long publicised, anonymised by the retention job.
        retention.eraser("result_objection")(erase_result_objections)
