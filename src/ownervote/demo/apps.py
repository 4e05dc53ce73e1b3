from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo (``make run``): its seeding, replayed on the days it happened, and its stable
    links. The top layer: it uses every app and no app uses it."""

    name = "ownervote.demo"
    label = "demo"
