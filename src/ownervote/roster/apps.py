from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "ownervote.roster"
    label = "roster"
