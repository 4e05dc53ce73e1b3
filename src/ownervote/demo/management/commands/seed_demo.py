"""``manage.py seed_demo``: the demo (``make run``), replayed on the days it happened
(``ownervote.demo.seed``), then a short summary: the links to open first and the accounts.
Idempotent: when the demo estate exists, it only prints the summary.

    python manage.py seed_demo [--base-url http://127.0.0.1:8000]
    python manage.py seed_demo --write-sample DIR   # only writes demo-roster.xlsx and
                                                    # sample-roster-with-errors.csv into DIR
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from ownervote.meetings.models import CalendarYear
from ownervote.roster import demo

from ... import calendar, links, secondfactor
from ...accounts import ACCOUNTS
from ...seed import demo_estate, owner_rows, seed

FIRST = ("vote", "result", "notice", "meeting")
# R-SEC-5: said once, when `make run` starts (README, Production: the two database roles).
SQLITE_GUARANTEE = (
    "SQLite: no database roles. Whoever can write the database file can rewrite it, audit log and "
    "ballots included;\n  tamper evidence here rests on the chain heads published outside the "
    "database (the anchors). PostgreSQL with\n  separate owner and application roles refuses such "
    "rewrites (README, Production)."
)


class Command(BaseCommand):
    help = (
        "Load the demo: Shenzhen geography, one account per role (password ownervote-demo), a 622-part "
        "roster and three meetings, replayed on the days they happened."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--write-sample",
            metavar="DIR",
            help="only write demo-roster.xlsx and sample-roster-with-errors.csv into DIR",
        )
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="where the server answers, for the links"
        )

    def handle(self, *args, **options):
        if options["write_sample"]:
            for path in demo.write_demo_files(Path(options["write_sample"])):
                self.stdout.write(f"wrote {path}")
            return
        if connection.vendor == "sqlite":
            self.stdout.write(self.style.WARNING(SQLITE_GUARANTEE))
        estate = demo_estate()
        if estate is not None:
            self.stdout.write(f"The demo is already loaded ({estate.name}). To start afresh: delete var/.")
        else:
            estate = seed()
            secondfactor.enrol_demo_staff()
            since = timezone.localtime(estate.created_at).date().isoformat()
            self.stdout.write(
                self.style.SUCCESS(f"Demo loaded: {estate.name}, its history replayed from {since} to today.")
            )
        for row in CalendarYear.objects.order_by("year"):
            if row.source != calendar.provisional_source(row.year):
                continue
            self.stdout.write(
                f"Holidays of {row.year}: the demo's provisional calendar, not a State Council notice "
                f"(the city operator replaces it at /console/calendar/)."
            )
        self._summary(options["base_url"].rstrip("/"))

    def _summary(self, base: str) -> None:
        found = {x.key: x for x in links.demo_links()}
        self.stdout.write(f"\nOpen first ({base}/demo/ lists every demo page):")
        for key in FIRST:
            x = found[key]
            where = f"{base}/demo/{key}/" if x.url else "(none now: delete var/ to start afresh)"
            who = f"  as {x.who}" if x.who else ""
            self.stdout.write(f"  {where:<38} {x.label}{who}")
        self.stdout.write(
            f"\nAccounts (staff password: {demo.DEMO_PASSWORD}; owners sign in with mobile + SMS code, "
            "printed on the server console)"
        )
        rows = [(a[0], a[3], a[4]) for a in ACCOUNTS] + owner_rows()
        w0 = max(len(r[0]) for r in rows)
        w1 = max(_width(r[1]) for r in rows)
        for username, role, can_do in rows:
            self.stdout.write(f"  {username.ljust(w0)}  {role}{' ' * (w1 - _width(role))}  {can_do}")
        self._second_factor()

    def _second_factor(self) -> None:
        self.stdout.write(
            "\nTwo-step verification (TOTP) is required of every staff account, as in production. The "
            "demo accounts have authenticators set up; the 2FA page shows the current code (demo only)."
        )
        issued = secondfactor.fresh_enrolment_code()
        if issued:
            username, code = issued
            self.stdout.write(
                f"{username} has none yet: sign in as {username} and enter the enrolment code {code} "
                f"(issued just now by {secondfactor.ISSUER}; once, within 72 h) to set one up."
            )


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)
