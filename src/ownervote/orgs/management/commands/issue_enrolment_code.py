"""Issue a one-time enrolment code for an account's TOTP second factor (R-SEC-1), printed once:
for the city operator's own account (nobody approves it) or when no approver can. Audited; the
account's unused codes are revoked."""

from django.core.management.base import BaseCommand, CommandError

from ownervote.core.errors import ServiceError
from ownervote.orgs.security import issue_enrolment_code_by_admin


class Command(BaseCommand):
    help = "Issue and print a one-time enrolment code for a staff account's second factor."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--by", required=True, help="who checked the person's identity")

    def handle(self, *args, username, by, **options):
        try:
            code = issue_enrolment_code_by_admin(admin=by, username=username)
        except ServiceError as exc:
            raise CommandError(f"no user {username!r}") from exc
        self.stdout.write(f"enrolment code for {username} (shown only now; give it in person): {code}")
