"""``manage.py verify_audit``: walk every audit hash chain (R-SEC-2) and check it against the chain
heads anchored outside it (R-SEC-5, ``audit.anchors``).

    manage.py verify_audit                                   # the anchors kept in this database
    manage.py verify_audit --anchors anchors.json            # and those of a copy kept elsewhere
    manage.py verify_audit --expect-head estate:12:345:3fa2…  # and a head noted by hand

Events are linked into their chain by the worker a moment after they commit (``audit.chainer``):
the events not linked yet are reported by stream ("N events not yet chained, the oldest X s old"),
and are a failure only when the oldest is older than ``AUDIT_UNCHAINED_ALERT_SECONDS`` (setting,
60 by default: the worker is not chaining, or someone emptied its queue).

``--anchors`` reads the JSON of the public page /p/audit/ (``…/anchors.json``), an archive
(``audit_heads``) or a plain list of ``{"stream", "seq", "hash"}``; it may be given many times.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ownervote.audit.anchors import BadAnchors, from_document, from_expectation, verify_with_anchors

ONLY_STORED = (
    "NOTE: only the anchors kept in this database were checked. Whoever can write the database "
    "(on SQLite: anyone who can write its file) can rewrite those anchors together with the log. "
    "Check against copies kept elsewhere: --anchors FILE (the JSON of the public page /p/audit/ or "
    "an archive) or --expect-head STREAM:SEQ:HASH (a digest noted from the public page)."
)


UNCHAINED_ALERT_SECONDS = 60.0


def unchained_alert_seconds() -> float:
    return float(getattr(settings, "AUDIT_UNCHAINED_ALERT_SECONDS", UNCHAINED_ALERT_SECONDS))


class Command(BaseCommand):
    help = (
        "Walk every audit hash chain, name the first broken row of each broken chain, and check "
        "that the log still extends every anchored chain head (in this database and, with "
        "--anchors / --expect-head, kept elsewhere)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchors",
            action="append",
            default=[],
            metavar="FILE",
            help="JSON with anchored heads: the public page's anchors.json, an archive, or a list",
        )
        parser.add_argument(
            "--expect-head",
            action="append",
            default=[],
            metavar="STREAM:SEQ:HASH",
            help="a chain head noted elsewhere, e.g. estate:12:345:<64 hex digits>",
        )

    def _external(self, options) -> list:
        anchors = []
        try:
            for name in options["anchors"]:
                try:
                    data = json.loads(Path(name).read_bytes().decode("utf-8-sig"))
                except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                    raise BadAnchors(f"{name}: cannot read anchors: {exc}") from exc
                anchors += from_document(data, name)
            anchors += [from_expectation(text) for text in options["expect_head"]]
        except BadAnchors as exc:
            raise CommandError(str(exc)) from exc
        return anchors

    def handle(self, *args, **options):
        external = self._external(options)
        outcome = verify_with_anchors(external)
        checked = (
            f"checked against {outcome.stored} anchored heads kept in this database"
            f" and {outcome.external} given from outside"
        )
        if not external:
            self.stdout.write(ONLY_STORED)
        stale = self._report_unchained(outcome.unchained)
        if outcome.breaks:
            for b in outcome.breaks:
                self.stderr.write(f"BROKEN {b}")
            broken = len({b.stream for b in outcome.breaks})
            raise CommandError(
                f"audit log verification failed: {broken} of {outcome.streams} chains broken "
                f"or tampered with ({checked})"
            )
        if stale:
            raise CommandError(
                f"audit log verification failed: {stale} chains have events left unchained longer than "
                f"{unchained_alert_seconds():.0f} s (is the worker running?) ({checked})"
            )
        pending = sum(t.events for t in outcome.unchained)
        self.stdout.write(
            f"audit log intact: {outcome.events} events in {outcome.streams} chains"
            + (f" ({pending} not yet chained)" if pending else "")
            + f"; {checked}"
        )

    def _report_unchained(self, tails) -> int:
        """Say which events wait for the chainer; how many streams wait too long."""
        now, limit, stale = timezone.now(), unchained_alert_seconds(), 0
        for tail in tails:
            if tail.age(now).total_seconds() > limit:
                stale += 1
                self.stderr.write(f"UNCHAINED {tail.describe(now)} (more than {limit:.0f} s: a problem)")
            else:
                self.stdout.write(f"pending {tail.describe(now)} (the worker links them shortly)")
        return stale
