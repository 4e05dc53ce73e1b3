from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "ownervote.meetings"
    label = "meetings"

    def ready(self):
        from ownervote.core import periodic, todo

        from . import todo as meeting_todos
        from .tasks import ensure_calendar_watch

        todo.provider(meeting_todos.calendar_years)
        periodic.register(ensure_calendar_watch)
