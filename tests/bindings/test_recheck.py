"""R-BIND-2 (art. 13): when the roster changes, bindings whose ownership changed end, with the
reason; so do bindings of authorised staff whose authorisation ended (R-ORG-2)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ownervote.audit.models import AuditEvent
from ownervote.bindings import services
from ownervote.bindings.models import Binding
from ownervote.notify.models import Notification, OutboxMessage
from ownervote.orgs.models import AuthorisedStaff
from ownervote.roster.models import Flat, Ownership
from tests.owners import verified_person
from tests.rosterfiles import flat_row, mobile, person_id, small_roster

SOLD = "1栋101房已过户给钱七（不动产权证书 粤2026深圳市不动产权第0012345号）"


def _without(rows: list[list], building: str, room: str) -> list[list]:
    return [r for r in rows if (r[0], r[1]) != (building, room)]


def test_a_roster_import_that_changes_the_owner_ends_the_old_owners_binding(
    owner_world, reimport, django_capture_on_commit_callbacks
):  # R-BIND-2
    zhang, li = owner_world["zhang"], owner_world["li"]
    rows = [
        *_without(small_roster(), "1栋", "101"),
        flat_row("1栋", "101", "89.50", "钱七", person_id(5), mobile(5)),
    ]
    with django_capture_on_commit_callbacks():
        reimport(rows, SOLD)
    binding = Binding.objects.get(pk=owner_world["zhang_binding"].pk)
    assert binding.status == Binding.Status.ENDED
    assert binding.end_reason == Binding.EndReason.OWNERSHIP_CHANGED
    assert binding.end_note == SOLD and binding.ended_at is not None
    event = AuditEvent.objects.get(action="binding.ended", object_id=str(binding.pk))
    assert event.summary["reason"] == "ownership_changed" and event.summary["note"] == SOLD
    assert event.stream == f"estate:{binding.estate_id}"
    # In the same transaction as the import, after it.
    applied = AuditEvent.objects.filter(action="roster.import_applied").order_by("id").last()
    assert applied.stream == event.stream and applied.pk < event.pk  # the order is the id (R-SEC-2)
    message = Notification.objects.get(user=zhang, kind="binding.ended")
    assert "1栋-101" in message.body and SOLD in message.body
    assert message.title == "您的房屋绑定已解除"
    # The SMS copy waits in the outbox, written in the same transaction, for the worker.
    assert OutboxMessage.objects.get(user=zhang, channel="sms", kind="binding.ended").status == "pending"
    # Untouched: 李四's binding of 1栋-102, whose owners did not change.
    assert Binding.objects.get(pk=owner_world["li_binding"].pk).status == Binding.Status.ACTIVE
    assert not Notification.objects.filter(user=li).exists()
    # The new owner binds the flat; the old one cannot any more.
    qian = verified_person(mobile(5), "钱七", person_id(5))
    assert services.bind_flat(actor=qian, flat_id=binding.flat_id).status == "active"
    with pytest.raises(services.InvalidInput):
        services.bind_flat(actor=zhang, flat_id=binding.flat_id)


def test_a_co_owner_leaving_ends_only_their_binding(owner_world, reimport):  # R-BIND-2
    wang_binding = services.bind_flat(actor=owner_world["wang"], flat_id=owner_world["flats"]["1栋-102"].pk)
    # 王五 sold his half to 李四.
    rows = [
        *_without(small_roster(), "1栋", "102"),
        flat_row("1栋", "102", "120.00", "李四", person_id(2), mobile(2)),
    ]
    reimport(rows, "王五将其份额转让给李四")
    assert Binding.objects.get(pk=wang_binding.pk).end_reason == "ownership_changed"
    assert Binding.objects.get(pk=owner_world["li_binding"].pk).status == "active"


def test_a_flat_removed_from_the_roster_ends_its_bindings(owner_world, reimport):  # R-BIND-2
    reimport(_without(small_roster(), "1栋", "102"), "1栋102房并入1栋101房（测绘报告）")
    li_binding = Binding.objects.get(pk=owner_world["li_binding"].pk)
    assert (li_binding.status, li_binding.end_reason) == ("ended", "ownership_changed")
    assert li_binding.end_note == "1栋102房并入1栋101房（测绘报告）"
    assert Flat.objects.get(pk=li_binding.flat_id).removed_at is not None
    assert Binding.objects.get(pk=owner_world["zhang_binding"].pk).status == "active"
    assert Notification.objects.filter(user=owner_world["li"], kind="binding.ended").count() == 1


def test_a_removed_flat_ends_its_bindings_even_with_ownerships_left_open(
    owner_world, staff, estates
):  # R-BIND-2
    flat = owner_world["flats"]["1栋-101"]
    Flat.objects.filter(pk=flat.pk).update(removed_at=flat.estate.created_at)  # removed by hand, say
    ended = services.end_for_ownership_changes(
        estate=estates["a"], actor=staff["convener"], note="专有部分移出名册"
    )
    assert [b.pk for b in ended] == [owner_world["zhang_binding"].pk]
    assert ended[0].end_reason == "ownership_changed"


def test_the_recheck_leaves_valid_bindings_alone(owner_world, staff, estates, authorise):  # R-BIND-2
    chen = verified_person(mobile(70), "陈授权", person_id(70))
    authorise(person_id(70), valid_until=0)  # its last day is today: still in force
    staff_binding = services.bind_flat(actor=chen, flat_id=owner_world["flats"]["2栋-301"].pk)
    before = AuditEvent.objects.count()
    assert services.end_for_ownership_changes(estate=estates["a"], actor=staff["convener"]) == []
    assert set(Binding.objects.filter(status="active").values_list("pk", flat=True)) == {
        owner_world["zhang_binding"].pk,
        owner_world["li_binding"].pk,
        staff_binding.pk,
    }
    assert AuditEvent.objects.count() == before and not Notification.objects.exists()


def test_a_reimport_of_the_same_roster_ends_nothing(owner_world, reimport):  # R-BIND-2
    reimport(small_roster(), "复核名册，无变化")
    assert Binding.objects.filter(status="active").count() == 2


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_a_staff_binding_ends_when_the_authorisation_ends(owner_world, staff, estates, authorise, how):
    # R-ORG-2, R-BIND-2: checked again at every re-check (roster change, vote launch).
    chen = verified_person(mobile(70), "陈授权", person_id(70))
    row = authorise(person_id(70))
    binding = services.bind_flat(actor=chen, flat_id=owner_world["flats"]["2栋-301"].pk)
    if how == "revoked":
        AuthorisedStaff.objects.filter(pk=row.pk).update(revoked_at=row.created_at)
    else:
        AuthorisedStaff.objects.filter(pk=row.pk).update(valid_until=row.valid_from)  # yesterday
    ended = services.end_for_ownership_changes(
        estate=estates["a"], actor=staff["convener"], note="投票启动前核查"
    )
    assert [b.pk for b in ended] == [binding.pk]
    binding.refresh_from_db()
    assert (binding.status, binding.end_reason, binding.end_note) == ("ended", "authorisation_ended", "")
    assert binding.ended_by == staff["convener"]
    assert Binding.objects.filter(status="active").count() == 2  # the owners' own bindings stay
    assert Notification.objects.filter(user=chen, kind="binding.ended").exists()


def test_the_recheck_finds_the_bindings_in_one_query(owner_world, staff, estates):  # R-BIND-2
    # Set-based: the search is one query whatever the roster's size; with nothing to end, it
    # is the only query.
    with CaptureQueriesContext(connection) as ctx:
        assert services.end_for_ownership_changes(estate=estates["a"], actor=staff["convener"]) == []
    selects = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1


def test_the_launch_recheck_may_run_without_a_person(owner_world, staff, estates):  # R-BIND-2
    # At vote launch the system may run it: the audit event names "system".
    flat = owner_world["flats"]["1栋-101"]
    Ownership.objects.filter(flat=flat).update(ended_at=flat.estate.created_at)
    ended = services.end_for_ownership_changes(estate=estates["a"], actor=None, note="")
    assert [b.pk for b in ended] == [owner_world["zhang_binding"].pk]
    assert AuditEvent.objects.get(action="binding.ended").actor_label == "system"
