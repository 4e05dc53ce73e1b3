from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "ownervote.console"
    label = "console"

    def ready(self) -> None:
        # Imported here: the receiver uses models, which exist once the apps are loaded.
        from ownervote.core import todo
        from ownervote.orgs import signals

        from . import receivers
        from . import todo as console_todos

        signals.account_security.connect(
            receivers.on_account_security, dispatch_uid="console.account_security"
        )
        todo.provider(console_todos.applications)
