"""Remove a staff member's TOTP devices after they lost their phone, and revoke their unused
enrolment codes: they enrol again with a NEW enrolment code (``--issue-code`` prints one; else
whoever manages the account issues one in the console, 账号安全). Run by the platform's
administrator after checking the person's identity."""

from django.core.management.base import BaseCommand, CommandError

from ownervote.core.errors import ServiceError
from ownervote.orgs.security import reset_second_factor_by_admin


class Command(BaseCommand):
    help = (
        "Delete a user's TOTP devices (lost phone) and unused enrolment codes; "
        "enrolling again needs a new code."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="why, for the audit log")
        parser.add_argument("--by", required=True, help="who checked the person's identity")
        parser.add_argument(
            "--issue-code", action="store_true", help="also issue a new enrolment code and print it (once)"
        )

    def handle(self, *args, username, reason, by, issue_code, **options):
        try:
            devices, code = reset_second_factor_by_admin(
                admin=by, username=username, reason=reason, issue_code=issue_code
            )
        except ServiceError as exc:
            raise CommandError(f"no user {username!r}") from exc
        self.stdout.write(
            f"removed {devices} TOTP device(s) of {username}; enrolling again needs a new enrolment code"
        )
        if code:
            self.stdout.write(f"enrolment code (give it to {username} in person; shown only now): {code}")
