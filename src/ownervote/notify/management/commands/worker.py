"""``manage.py worker``: the background worker (``db_worker``, with all its options) that also
keeps the outbox sweep running. ``make run`` starts it; production runs it under systemd."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = "Run the background worker: the database task queue, with the outbox sweep kept scheduled."

    def handle(self, *args, **options):
        from ownervote.notify.tasks import ensure_sweep

        ensure_sweep()
        return super().handle(*args, **options)
