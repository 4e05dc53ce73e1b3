from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "ownervote.notify"
    label = "notify"
