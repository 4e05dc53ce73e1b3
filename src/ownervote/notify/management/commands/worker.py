"""``manage.py worker``: the background worker (``db_worker``, with all its options) that also
keeps the repeating tasks scheduled (``core.periodic``: the outbox sweep, the daily calendar check).
``make run`` starts it; production runs it under systemd."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from ownervote.core import periodic


class Command(DbWorkerCommand):
    help = "Run the background worker: the database task queue, with the repeating tasks kept scheduled."

    def handle(self, *args, **options):
        periodic.ensure_all()
        return super().handle(*args, **options)
