from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "ownervote.console"
    label = "console"
