from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "ownervote.portal"
    label = "portal"
