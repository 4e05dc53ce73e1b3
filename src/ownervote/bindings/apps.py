from django.apps import AppConfig


class BindingsConfig(AppConfig):
    name = "ownervote.bindings"
    label = "bindings"
