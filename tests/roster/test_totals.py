"""R-ROSTER-1, R-ROSTER-3, R-ROSTER-5 through the database: the convener confirms totals as a
dated snapshot that meetings refer to."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ownervote.core.errors import Conflict, Forbidden
from ownervote.roster import services
from ownervote.roster.models import TotalsSnapshot
from tests.rosterfiles import roster_csv


@pytest.fixture
def imported(staff, estates, small_roster):
    batch = services.import_preview(
        actor=staff["convener"], estate_id=estates["a"].pk, upload=roster_csv(small_roster)
    )
    services.import_apply(actor=staff["convener"], batch_id=batch.pk, reason="导入")
    return estates["a"]


def test_totals_count_owners_per_r_roster_3(staff, imported):  # R-ROSTER-3
    t = services.totals_current(actor=staff["street"], estate_id=imported.pk)
    # 1栋-101 张三; 1栋-102 李四+王五 (once); 赵六's two flats (once); developer's two flats (once)
    assert (t.owners, t.flats, t.area) == (4, 6, Decimal("564.75"))


def test_confirmed_totals_are_a_snapshot_with_every_counted_flat(staff, imported):  # R-ROSTER-1
    snap = services.totals_confirm(actor=staff["convener"], estate_id=imported.pk, reason="核对确认")
    assert (snap.total_owners, snap.total_flats, snap.total_area, snap.parking_counts) == (
        4,
        6,
        Decimal("564.75"),
        False,
    )
    assert snap.flats.count() == 6
    assert len(set(snap.flats.values_list("owner_group", flat=True))) == 4
    assert snap.change.kind == "totals" and snap.change.reason == "核对确认"


def test_parking_setting_changes_totals_and_is_recorded(staff, imported):  # R-ROSTER-5
    services.estate_update(
        actor=staff["convener"],
        estate_id=imported.pk,
        parking_counts=True,
        reason="议事规则第十条：产权车位计入",
    )
    snap = services.totals_confirm(actor=staff["convener"], estate_id=imported.pk, reason="核对确认")
    assert (snap.total_flats, snap.total_area, snap.parking_counts) == (7, Decimal("577.25"), True)
    # 张三 holds 1栋-101 and the parking space: two different exclusive parts, same owner set -> one owner
    assert snap.total_owners == 4


def test_totals_need_the_community_first(staff, estates, small_roster):  # R-ROSTER-1 (art. 7)
    estate = estates["b"]
    convener = staff["pending"]
    from ownervote.orgs.models import Association

    Association.objects.filter(estate=estate).update(status="approved")
    batch = services.import_preview(actor=convener, estate_id=estate.pk, upload=roster_csv(small_roster))
    services.import_apply(actor=convener, batch_id=batch.pk, reason="导入")
    with pytest.raises(Conflict) as exc:
        services.totals_confirm(actor=convener, estate_id=estate.pk, reason="确认")
    assert exc.value.code == "totals.community_missing"
    assert not TotalsSnapshot.objects.exists()


def test_an_empty_roster_cannot_be_confirmed(staff, estates):  # R-ROSTER-1
    with pytest.raises(Conflict):
        services.totals_confirm(actor=staff["convener"], estate_id=estates["a"].pk, reason="确认")


def test_only_the_convener_confirms(staff, imported):  # R-ROSTER-1
    with pytest.raises(Forbidden):
        services.totals_confirm(actor=staff["street"], estate_id=imported.pk, reason="确认")


def test_flat_edit_keeps_before_and_after(staff, imported):  # R-ROSTER-2
    flat = imported.flats.get(room="101", building__name="1栋")
    services.flat_update(
        actor=staff["convener"],
        flat_id=flat.pk,
        area=Decimal("89.60"),
        area_source="survey",
        reason="实测报告更正",
    )
    change = imported.changes.get(kind="edit")
    assert change.summary["changed"]["area"] == {"before": "89.50", "after": "89.60"}
    assert change.summary["changed"]["area_source"] == {"before": "register", "after": "survey"}
