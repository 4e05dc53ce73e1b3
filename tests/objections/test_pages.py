"""The objection pages and the lines they add to the result pages (R-TRUST-2)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from ownervote.complaints.models import Complaint
from ownervote.core import periodic
from ownervote.core.todo import for_user
from ownervote.objections import services, tasks
from ownervote.objections.models import ResultObjection
from ownervote.results.services import results
from tests.objections.conftest import at

pytestmark = pytest.mark.django_db


def raise_for_wang(w):
    return services.objection_raise(
        actor=w["wang"],
        meeting_id=w["meeting"].pk,
        flat_id=w["flats"]["1栋-102"].pk,
        kind=ResultObjection.Kind.NEVER_VOTED,
        text="",
    )


def test_r_trust_2_public_and_console_result_pages_show_the_counts(client, publicised_world):
    w = publicised_world
    meeting = w["meeting"]
    page = client.get(f"/p/meetings/{meeting.pk}/result/").content.decode()
    assert "异议 0 件，已答复 0 件" in page
    assert f"/m/meetings/{meeting.pk}/objections/new/" in page
    o = raise_for_wang(w)
    services.objection_answer(actor=w["convener"], objection_id=o.pk, answer="已核查。")
    services.objection_raise(
        actor=w["zhang"],
        meeting_id=meeting.pk,
        flat_id=w["flats"]["1栋-101"].pk,
        kind=ResultObjection.Kind.WRONG_CHOICE,
        text="",
    )
    assert "异议 2 件，已答复 1 件" in client.get(f"/p/meetings/{meeting.pk}/result/").content.decode()
    client.force_login(w["convener"])
    console = client.get(f"/console/meetings/{meeting.pk}/result/").content.decode()
    assert "异议 2 件，已答复 1 件" in console
    assert f"/console/meetings/{meeting.pk}/objections/" in console


def test_r_trust_2_receipt_check_link_carries_the_code(client, publicised_world):
    w = publicised_world
    code = w["zhang_receipt"].code
    page = client.get(f"/p/meetings/{w['meeting'].pk}/result/", {"code": code}).content.decode()
    assert f"/m/meetings/{w['meeting'].pk}/objections/new/?code={code}" in page


def test_r_trust_2_owner_form_prefills_the_receipt_and_raises(client, publicised_world):
    w = publicised_world
    client.force_login(w["zhang"])
    url = f"/m/meetings/{w['meeting'].pk}/objections/new/"
    page = client.get(url, {"code": "ABCD-EFGH"})
    assert page.status_code == 200
    assert 'value="ABCD-EFGH"' in page.content.decode()
    assert "1栋-101（我的房屋）" in page.content.decode()
    refused = client.post(url, {"flat": w["flats"]["1栋-102"].pk, "kind": "never_voted", "text": ""})
    assert refused.status_code == 422  # not zhang's flat
    assert "这类异议只能针对您自己的房屋提出" in refused.content.decode()
    done = client.post(url, {"flat": w["flats"]["1栋-101"].pk, "kind": "wrong_choice", "text": ""})
    assert done.status_code == 302
    assert ResultObjection.objects.get().raised_by == w["zhang"]


def test_r_trust_2_owner_accepts_from_my_objections(client, publicised_world):
    w = publicised_world
    o = raise_for_wang(w)
    services.objection_answer(actor=w["convener"], objection_id=o.pk, answer="该票由共有人李四投出。")
    client.force_login(w["wang"])
    page = client.get("/m/objections/").content.decode()
    assert "该票由共有人李四投出。" in page and "接受答复" in page
    client.post(f"/m/objections/{o.pk}/accept/")
    o.refresh_from_db()
    assert o.status == ResultObjection.Status.ACCEPTED
    assert "已接受答复" in client.get("/m/objections/").content.decode()


def test_r_trust_2_street_office_cannot_answer_in_the_console(client, publicised_world):
    w = publicised_world
    o = raise_for_wang(w)
    client.force_login(w["street"])
    url = f"/console/meetings/{w['meeting'].pk}/objections/"
    assert client.get(url).status_code == 200  # reads it
    posted = client.post(url, {"objection": o.pk, "answer": "街道答复"})
    assert posted.status_code == 403
    o.refresh_from_db()
    assert o.status == ResultObjection.Status.OPEN


def test_r_trust_2_to_dos_convener_due_day_and_street_office_overdue(publicised_world):
    w = publicised_world
    o = raise_for_wang(w)
    today = results.today()
    (todo,) = [t for t in for_user(w["convener"], today) if t.key.startswith("objections-")]
    assert todo.due_on == o.answer_by and o.answer_by.isoformat() in todo.detail
    assert not [t for t in for_user(w["street"], today) if t.key == "objections-supervised"]
    late = o.answer_by + dt.timedelta(days=1)
    (street,) = [t for t in for_user(w["street"], late) if t.key == "objections-supervised"]
    assert street.urgent and "1 件已超过" in street.detail


def test_r_trust_2_the_hourly_sweep_escalates_with_the_clock_moved(publicised_world):
    w = publicised_world
    o = raise_for_wang(w)
    assert any("objections" in name for name in periodic.ensure_all())
    last = (o.answer_by - results.today()).days
    with time_machine.travel(at(last + 1, 1), tick=False):
        assert tasks.sweep_objections.call() == [o.pk]
    o.refresh_from_db()
    assert o.status == ResultObjection.Status.COMPLAINT
    assert Complaint.objects.get().meeting == w["meeting"]
