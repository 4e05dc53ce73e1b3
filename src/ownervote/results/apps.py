from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "ownervote.results"
    label = "results"
