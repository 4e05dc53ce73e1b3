"""Remove a staff member's TOTP devices after they lost their phone; they enrol again at their
next sign-in. Run by the platform's administrator after checking the person's identity."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from ownervote.audit.services import record
from ownervote.orgs.models import User


class Command(BaseCommand):
    help = "Delete a user's TOTP devices (lost phone); the user enrols again at next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="why, for the audit log")
        parser.add_argument("--by", required=True, help="who checked the person's identity")

    def handle(self, *args, username, reason, by, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        with transaction.atomic():
            count, _ = TOTPDevice.objects.filter(user=user).delete()
            record(
                actor=f"admin:{by}",
                action="2fa.reset",
                obj=user,
                summary={"devices": count, "reason": reason},
            )
        self.stdout.write(f"removed {count} TOTP device(s) of {username}; they enrol again at next sign-in")
