"""Lift a console sign-in lockout (too many wrong passwords, R-SEC-1) before its cool-off ends:
by account, by address, or both. Whoever manages the account can do the same in the console
(账号安全); this is for the platform's administrator. Audited."""

from django.core.management.base import BaseCommand, CommandError

from ownervote.core.errors import ServiceError
from ownervote.orgs.security import unlock_sign_in_by_admin


class Command(BaseCommand):
    help = "Clear the failed sign-in counters of an account and/or an address (a lockout ends now)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="")
        parser.add_argument("--address", default="", help="the client address that is locked out")
        parser.add_argument("--reason", required=True, help="why, for the audit log")
        parser.add_argument("--by", required=True, help="who asked for it / checked the person")

    def handle(self, *args, username, address, reason, by, **options):
        try:
            cleared = unlock_sign_in_by_admin(admin=by, username=username, address=address, reason=reason)
        except ServiceError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"cleared {cleared} failed sign-in counter(s); sign-in is open again")
