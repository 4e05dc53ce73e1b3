"""``manage.py erase_expired [--dry-run]``: erase or anonymise the personal data whose retention
period has run out (R-SEC-7, ``audit.retention``), printing the rows changed per kind. The worker
runs the same job every night; this command is for a run by hand (and ``--dry-run`` to see what
the next run would change without changing anything)."""

from django.core.management.base import BaseCommand

from ownervote.audit.retention import erase_expired
from ownervote.rules.retention import RULES


class Command(BaseCommand):
    help = "Erase or anonymise personal data past its retention period (R-SEC-7)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would change; change nothing")

    def handle(self, *args, dry_run=False, **options):
        counts = erase_expired(dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        for kind, rows in counts.items():
            rule = RULES[kind]
            self.stdout.write(f"{kind}: {rows} row(s) {verb} ({rule.action}, {rule.period.describe()})")
        self.stdout.write(f"total: {sum(counts.values())} row(s) {verb}")
