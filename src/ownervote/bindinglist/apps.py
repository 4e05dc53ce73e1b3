from django.apps import AppConfig


class BindinglistConfig(AppConfig):
    name = "ownervote.bindinglist"
    label = "bindinglist"

    def ready(self) -> None:
        # Imported here: these modules import models, which exist only once the app registry is
        # ready (``ready()`` runs then).
        from ownervote.core import retention, todo

        from . import todo as objection_todos
        from .retention import erase_objections

        todo.provider(objection_todos.overdue_objections)
        todo.provider(objection_todos.objections_to_check)
        # R-SEC-7: objections to a long-ended publication, anonymised by the retention job.
        retention.eraser("binding_objection")(erase_objections)
