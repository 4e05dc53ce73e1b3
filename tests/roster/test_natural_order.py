"""Buildings and rooms in their natural order everywhere (issue 22 item 7): 1栋-101, 1栋-102,
1栋-1001, 2栋, 10栋, not the text order 1001…1006, 101…104, 1101. One stored key (core.sorting)
orders the roster page, its export (R-ROSTER-4) and every list of flats above it."""

from __future__ import annotations

import importlib
import io
import re

import pytest
from django.apps import apps
from django.urls import reverse
from openpyxl import load_workbook

from ownervote.core.sorting import flat_key, natural_key
from ownervote.roster.models import Building, Flat
from tests.owners import import_roster
from tests.rosterfiles import flat_row, mobile, person_id

pytestmark = pytest.mark.django_db

# As a file lists them: text order would give 1001, 1006, 101, 102, 104, 1101 and 10栋 before 2栋.
FILE_ORDER = [
    ("10栋", "101"),
    ("1栋", "1101"),
    ("1栋", "1001"),
    ("2栋", "201"),
    ("1栋", "101"),
    ("1栋", "1006"),
    ("1栋", "104"),
    ("1栋", "102"),
]
NATURAL = [
    "1栋-101",
    "1栋-102",
    "1栋-104",
    "1栋-1001",
    "1栋-1006",
    "1栋-1101",
    "2栋-201",
    "10栋-101",
]


def natural_rows() -> list[list]:
    return [
        flat_row(b, r, "88.00", f"业主{n}", person_id(n + 1), mobile(n + 1))
        for n, (b, r) in enumerate(FILE_ORDER)
    ]


@pytest.fixture
def roster(staff, estates):
    """Estate a's roster imported from a file in FILE_ORDER (the import's bulk insert)."""
    import_roster(estates["a"], staff["convener"], natural_rows())
    return estates["a"]


def labels(flats) -> list[str]:
    return [f"{f.building.name}-{f.room}" for f in flats]


def test_the_import_stores_the_key_and_the_flats_come_back_in_natural_order(roster):  # R-ROSTER-4
    flats = Flat.objects.filter(estate=roster).select_related("building")
    assert labels(flats) == NATURAL  # the model's default order
    assert all(f.sort_key == flat_key(f.building.name, f.room) for f in flats)
    buildings = Building.objects.filter(estate=roster)
    assert [b.name for b in buildings] == ["1栋", "2栋", "10栋"]
    assert all(b.sort_key == natural_key(b.name) for b in buildings)


def test_the_roster_page_and_its_export_list_flats_naturally(client, staff, roster):  # R-ROSTER-4
    client.force_login(staff["convener"])
    page = client.get(reverse("roster:estate_detail", args=[roster.pk])).content.decode()
    shown = re.findall(r"<td>(\d+栋)</td>\s*<td>(\d+)</td>", page)
    assert [f"{b}-{r}" for b, r in shown] == NATURAL

    response = client.post(reverse("roster:export", args=[roster.pk]), {})
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in ws[1]]
    b, r = header.index("楼栋"), header.index("房号")
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert [f"{row[b]}-{row[r]}" for row in rows] == NATURAL


def test_a_flat_saved_one_by_one_gets_its_key_and_so_does_a_renamed_building(roster):
    building = Building.objects.get(estate=roster, name="2栋")
    flat = Flat.objects.create(
        estate=roster, building=building, room="99", area="50.00", area_source="register"
    )
    assert flat.sort_key == flat_key("2栋", "99")
    flats = Flat.objects.filter(estate=roster).select_related("building")
    assert labels(flats).index("2栋-99") == labels(flats).index("2栋-201") - 1
    building.name = "20栋"
    building.save(update_fields=["name"])
    building.refresh_from_db()
    assert building.sort_key == natural_key("20栋")
    flats = Flat.objects.filter(estate=roster).select_related("building")
    assert labels(flats)[-3:] == ["10栋-101", "20栋-99", "20栋-201"]


def test_the_migration_fills_the_keys_of_existing_rows(roster):
    """roster/0004_natural_sort_key: rows made before the key existed get it."""
    Flat.objects.filter(estate=roster).update(sort_key="")
    Building.objects.filter(estate=roster).update(sort_key="")
    migration = importlib.import_module("ownervote.roster.migrations.0004_natural_sort_key")
    migration.fill_sort_keys(apps, None)
    assert labels(Flat.objects.filter(estate=roster).select_related("building")) == NATURAL
    assert [b.name for b in Building.objects.filter(estate=roster)] == ["1栋", "2栋", "10栋"]
