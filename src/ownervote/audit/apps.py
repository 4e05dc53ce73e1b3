from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ownervote.audit"
    label = "audit"
