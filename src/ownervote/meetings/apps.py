from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "ownervote.meetings"
    label = "meetings"
