from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "ownervote.orgs"
    label = "orgs"
