"""``manage.py verify_audit``: walk every audit hash chain (R-SEC-2) and check it against the chain
heads anchored outside it (R-SEC-5, ``audit.anchors``).

    manage.py verify_audit                                   # the anchors kept in this database
    manage.py verify_audit --anchors anchors.json            # and those of a copy kept elsewhere
    manage.py verify_audit --expect-head estate:12:345:3fa2…  # and a head noted by hand

``--anchors`` reads the JSON of the public page /p/audit/ (``…/anchors.json``), an archive
(``audit_heads``) or a plain list of ``{"stream", "seq", "hash"}``; it may be given many times.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ownervote.audit.anchors import BadAnchors, from_document, from_expectation, verify_with_anchors

ONLY_STORED = (
    "NOTE: only the anchors kept in this database were checked. Whoever can write the database "
    "(on SQLite: anyone who can write its file) can rewrite those anchors together with the log. "
    "Check against copies kept elsewhere: --anchors FILE (the JSON of the public page /p/audit/ or "
    "an archive) or --expect-head STREAM:SEQ:HASH (a digest noted from the public page)."
)


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
        if outcome.breaks:
            for b in outcome.breaks:
                self.stderr.write(f"BROKEN {b}")
            broken = len({b.stream for b in outcome.breaks})
            raise CommandError(
                f"audit log verification failed: {broken} of {outcome.streams} chains broken "
                f"or tampered with ({checked})"
            )
        self.stdout.write(f"audit log intact: {outcome.events} events in {outcome.streams} chains; {checked}")
