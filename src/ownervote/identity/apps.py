from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "ownervote.identity"
    label = "identity"
