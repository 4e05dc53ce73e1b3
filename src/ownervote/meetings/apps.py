from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "ownervote.meetings"
    label = "meetings"

    def ready(self):
        # Imported here: these modules import models, which exist only once the app registry is
        # ready (``ready()`` runs then).
        from ownervote.core import periodic, todo
        from ownervote.notify import signals as notify_signals

        from . import todo as meeting_todos
        from .services import service
        from .tasks import ensure_calendar_watch

        todo.provider(meeting_todos.calendar_years)
        todo.provider(meeting_todos.guidance_windows)
        todo.provider(meeting_todos.convener_meetings)
        todo.provider(meeting_todos.notice_service)
        periodic.register(ensure_calendar_watch)
        # R-MTG-10: the notices read in the inbox, accepted by SMS or WeChat, or reported delivered
        # by them, serve the flats.
        notify_signals.notifications_read.connect(service.on_read, dispatch_uid="meetings.service.read")
        notify_signals.message_sent.connect(service.on_sent, dispatch_uid="meetings.service.sent")
        notify_signals.message_delivered.connect(
            service.on_delivered, dispatch_uid="meetings.service.delivered"
        )
