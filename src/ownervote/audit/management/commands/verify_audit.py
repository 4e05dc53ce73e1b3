from django.core.management.base import BaseCommand, CommandError

from ownervote.audit.models import AuditEvent
from ownervote.audit.services import verify_all


class Command(BaseCommand):
    help = "Walk every audit hash chain and name the first broken row of each broken chain."

    def handle(self, *args, **options):
        streams, breaks = verify_all()
        total = AuditEvent.objects.count()
        if breaks:
            for b in breaks:
                self.stderr.write(f"BROKEN {b}")
            raise CommandError(f"audit log verification failed: {len(breaks)} of {streams} chains broken")
        self.stdout.write(f"audit log intact: {total} events in {streams} chains")
