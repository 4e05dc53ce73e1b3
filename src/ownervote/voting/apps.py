from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "ownervote.voting"
    label = "voting"
