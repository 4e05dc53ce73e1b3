"""Import a city's former platform's verified owners and bindings (R-DATA-1) from a CSV or JSON
file (docs/import-format.md), as the account ``--as`` (the city operator's staff), all or nothing
per estate. ``--dry-run`` checks everything and writes nothing; ``--json`` prints the summary as
the API returns it. Exits 1 when any estate failed (the summary says which and why)."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ownervote.bindings.importing import bindings_import_file
from ownervote.core.errors import ServiceError


class Command(BaseCommand):
    help = "Import verified owners and their bindings from the city's former platform (R-DATA-1)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .json file in the format of docs/import-format.md")
        parser.add_argument("--as", dest="username", required=True, help="the importing staff account")
        parser.add_argument(
            "--source",
            default="",
            help='the former platform, e.g. "platform:shenzhen-wechat" (or in the JSON)',
        )
        parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, file, username, source, dry_run, json: bool, **options):
        actor = get_user_model().objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {username!r}")
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        try:
            summary = bindings_import_file(
                actor=actor, content=content, name=path.name, source=source, dry_run=dry_run
            )
        except ServiceError as exc:
            if json:
                self.stdout.write(_dumps({"error": exc.as_dict()}))
            lines = [f"{exc.code}: {exc.message}"]
            lines += [f"  line {d['row']} {d['field']}: {d['message']}" for d in (exc.details or [])]
            raise CommandError("\n".join(lines)) from exc
        data = summary.as_dict()
        if json:
            self.stdout.write(_dumps(data))
        else:
            self._print(data)
        if not summary.ok:
            raise CommandError("some estates were not imported: see the errors above", returncode=1)

    def _print(self, data: dict) -> None:
        mode = "dry run: nothing written" if data["dry_run"] else "imported"
        self.stdout.write(
            f"{data['source']}: {data['rows']} records, {mode}; created {data['created']}, unchanged "
            f"{data['unchanged']}, already bound {data['already_bound']}, "
            f"new accounts {data['new_accounts']}; "
            f"estates ok {data['estates_imported']}, failed {data['estates_failed']}"
        )
        for e in data["estates"]:
            name = e["estate_name"] or e["estate"]
            self.stdout.write(
                f"  {e['status']:<12} {name}: {e['rows']} records, created {e['created']}, "
                f"unchanged {e['unchanged']}, already bound {e['already_bound']}"
            )
            for err in e["errors"]:
                where = f"line {err['row']}" + (f" {err['field']}" if err["field"] else "")
                self.stdout.write(f"      {where}: {err['message']} ({err['code']})")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
