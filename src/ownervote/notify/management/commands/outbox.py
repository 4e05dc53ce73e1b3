"""``manage.py outbox``: the state of the notification outbox, for an operator on the server.

manage.py outbox                      counts by channel and status, the failed messages
manage.py outbox --retry 12 13        send failed messages again (after fixing the cause)
manage.py outbox --retry 12 --include-maybe-sent
                                      ... even one a dead worker may already have delivered
manage.py outbox --sweep              run the sweep now (take back stuck messages, purge)
"""

from django.core.management.base import BaseCommand
from django.db.models import Count, Min
from django.utils import timezone

from ownervote.notify import tasks
from ownervote.notify.models import OutboxMessage


class Command(BaseCommand):
    help = "Show the notification outbox; send failed messages again; run the sweep."

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry", nargs="+", type=int, metavar="ID", help="failed messages to send again"
        )
        parser.add_argument(
            "--include-maybe-sent",
            action="store_true",
            help="with --retry: also messages a dead worker may already have delivered",
        )
        parser.add_argument("--sweep", action="store_true", help="run the sweep once now")
        parser.add_argument("--failed", type=int, default=20, metavar="N", help="list the N latest failures")

    def handle(self, *args, retry=None, include_maybe_sent=False, sweep=False, failed=20, **options):
        if retry:
            count = tasks.retry_failed(retry, include_maybe_sent=include_maybe_sent)
            self.stdout.write(f"{count} message(s) queued again")
            return
        if sweep:
            self.stdout.write(f"sweep: {tasks.sweep_once()}")
            return
        rows = (
            OutboxMessage.objects.values("channel", "status")
            .annotate(n=Count("id"), due=Min("next_attempt_at"))
            .order_by("channel", "status")
        )
        self.stdout.write("channel  status     count  earliest due")
        for row in rows:
            due = (
                timezone.localtime(row["due"]).strftime("%Y-%m-%d %H:%M")
                if row["status"] == "pending"
                else ""
            )
            self.stdout.write(f"{row['channel']:<8} {row['status']:<10} {row['n']:>5}  {due}")
        stuck = OutboxMessage.objects.filter(status="sending", lease_until__lt=timezone.now()).count()
        if stuck:
            self.stdout.write(f"{stuck} message(s) held by a worker that stopped: the sweep takes them back")
        latest = OutboxMessage.objects.filter(status="failed").order_by("-id")[:failed]
        if latest:
            self.stdout.write("\nlatest failures (id, event, channel, user, attempts, maybe sent, error):")
        for m in latest:
            self.stdout.write(
                f"{m.pk} {m.event} {m.channel} user={m.user_id} attempts={m.attempts} "
                f"{'MAYBE-SENT ' if m.maybe_sent else ''}{m.last_error[:200]}"
            )
