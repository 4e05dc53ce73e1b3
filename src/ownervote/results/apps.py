from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "ownervote.results"
    label = "results"

    def ready(self):
        # Imported here: an app's services and the apps below it are importable only once the
        # app registry is ready (``ready()`` runs then).
        from ownervote.core import todo
        from ownervote.orgs import signals as org_signals

        from . import todo as result_todos
        from .services import handover

        # An owners' committee approved ends a street office's or community committee's convening
        # (R-ORG-3, R-ORG-4); results knows whether their meetings there are finished.
        org_signals.convener_handed_over.connect(
            handover.on_convener_handed_over, dispatch_uid="results.handover"
        )
        todo.provider(result_todos.convener_results)
        todo.provider(result_todos.result_guidance)
