from django.apps import AppConfig


class BindinglistConfig(AppConfig):
    name = "ownervote.bindinglist"
    label = "bindinglist"
