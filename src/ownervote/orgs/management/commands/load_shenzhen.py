"""Load Shenzhen's administrative geography (ownervote/orgs/fixtures/shenzhen.json).

What the fixture holds
- The city 深圳市 (4403), its 9 districts and 大鹏新区, and all 74 streets (街道) of the division
  in force since 2019 (after 光明区 and 坪山区 became districts and 宝安区/龙岗区 were re-divided).
- The 13 communities (社区) of 沙头街道 (福田区), the street of the demo estate.

Codes
- City and districts: GB/T 2260 administrative division codes (民政部 县级以上行政区划代码).
- Streets: the 9-digit township part of the National Bureau of Statistics' 统计用区划代码 (NBS
  12-digit code without its trailing "000"), e.g. 沙头街道 = 440304005. NBS numbers are not
  contiguous (福田区 has no 440304003; 宝安区 starts at 440306017), so they are copied, not derived.
- 大鹏新区 is a functional area, not a county-level division: it has no GB/T 2260 code. We use
  440312, the next free code after 光明区 (440311), as a local code. Its three streets keep their
  real NBS codes, which sit under 龙岗区 (440307009 葵涌, 440307010 大鹏, 440307011 南澳), because
  legally they still belong to 龙岗区; in OwnerVote their parent is 大鹏新区, whose housing bureau
  (大鹏新区住房和建设局) approves their street offices (art. 4).
- Communities: the names follow the Futian district library network's community branches of
  沙头街道; their codes are a local scheme (street code + 3-digit sequence in that list's order),
  NOT verified NBS village codes. Replace them when the official codes are loaded.

Loading is idempotent: divisions are matched by ``code``; a changed parent is updated and
``path`` recomputed; a changed name is refused unless --allow-renames; nothing is deleted.
One audit event records what changed.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ownervote.audit.services import record
from ownervote.orgs.models import Division

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "shenzhen.json"
K = Division.Kind


def _nodes(data: dict):
    """(kind, code, name, parent_code) in parent-before-child order."""
    city = data["city"]
    yield K.CITY, city["code"], city["name"], None
    for district in data["districts"]:
        yield K.DISTRICT, district["code"], district["name"], city["code"]
        for street in district["streets"]:
            yield K.STREET, street["code"], street["name"], district["code"]
            for community in street.get("communities", ()):
                yield K.COMMUNITY, community["code"], community["name"], street["code"]


def load_geography(
    path: Path = FIXTURE, *, actor: str = "manage.py load_shenzhen", allow_renames: bool = False
) -> dict[str, int]:
    """Create or update every division of the fixture. Returns counts of created/updated/unchanged.

    A division whose stored name differs from the fixture's is renamed only with
    ``allow_renames``: otherwise a hand-made division with a wrong code would silently take
    another division's name (and its estates with it)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        by_code: dict[str, Division] = {}
        for kind, code, name, parent_code in _nodes(data):
            parent = by_code[parent_code] if parent_code else None
            division = Division.objects.filter(code=code).first()
            if division is None:
                clash = Division.objects.filter(parent=parent, name=name).exclude(code=code).first()
                if clash is not None:
                    raise CommandError(
                        f"{name} already exists under {parent or 'the root'} with code {clash.code}, "
                        f"but the fixture gives it code {code}. Fix the code of the existing division first."
                    )
                division = Division(kind=kind, code=code, name=name, parent=parent)
                division.save()
                counts["created"] += 1
            else:
                if division.name != name and not allow_renames:
                    raise CommandError(
                        f"Division {code} is called {division.name} in the database but {name} "
                        "in the fixture. Check the code of the stored division, or run with "
                        "--allow-renames if it was renamed."
                    )
                expected_path = f"{parent.path if parent else '/'}{division.pk}/"
                if (division.kind, division.name, division.parent_id, division.path) != (
                    kind,
                    name,
                    parent.pk if parent else None,
                    expected_path,
                ):
                    # Division.save() on an existing row writes only ``path``: update the fields
                    # first, then let save() recompute the path from the (already saved) parent.
                    Division.objects.filter(pk=division.pk).update(kind=kind, name=name, parent=parent)
                    division.kind, division.name, division.parent = kind, name, parent
                    division.save()
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
            by_code[code] = division
        if counts["created"] or counts["updated"]:
            record(
                actor=actor,
                action="divisions.loaded",
                object_type="orgs.division",
                summary={"source": Path(path).name, **counts},
            )
    return counts


class Command(BaseCommand):
    help = (
        "Load Shenzhen's city, districts, streets and Shatou street's communities "
        "(idempotent, matched by code)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=str(FIXTURE), help="fixture to load (default: the bundled shenzhen.json)"
        )
        parser.add_argument(
            "--allow-renames",
            action="store_true",
            help="rename stored divisions whose name differs from the fixture's",
        )

    def handle(self, *args, **options):
        counts = load_geography(Path(options["file"]), allow_renames=options["allow_renames"])
        total = Division.objects.count()
        self.stdout.write(
            f"Shenzhen geography: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged ({total} divisions in the database)."
        )
