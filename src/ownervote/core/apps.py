from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ownervote.core"
    label = "core"
