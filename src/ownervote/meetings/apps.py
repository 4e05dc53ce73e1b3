from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "ownervote.meetings"
    label = "meetings"

    def ready(self):
        # Imported here: these modules import models, which exist only once the app registry is
        # ready (``ready()`` runs then).
        from ownervote.core import periodic, todo

        from . import todo as meeting_todos
        from .tasks import ensure_calendar_watch

        todo.provider(meeting_todos.calendar_years)
        todo.provider(meeting_todos.guidance_windows)
        todo.provider(meeting_todos.convener_meetings)
        periodic.register(ensure_calendar_watch)
