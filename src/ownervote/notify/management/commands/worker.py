"""``manage.py worker``: the background worker (``db_worker``, with all its options) that also
keeps the repeating tasks scheduled (``core.periodic``: the outbox sweep, the daily calendar check)
and runs the ticks (``core.periodic.register_tick``: the audit chainer) every second beside them.
``make run`` starts it; production runs it under systemd."""

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from ownervote.core import periodic


class Command(DbWorkerCommand):
    help = "Run the background worker: the database task queue, with the repeating tasks kept scheduled."

    def handle(self, *args, **options):
        periodic.ensure_all()
        stop = periodic.start_ticking(float(getattr(settings, "PERIODIC_TICK_SECONDS", 1.0)))
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
