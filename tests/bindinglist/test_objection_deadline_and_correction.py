"""R-BIND-4 (art. 15): the convener decides an objection within the binding list's publicity; one
left undecided past it is shown as overdue to the supervising office (the street office, or the
district bureau where the street office convened: ``orgs.scoping.supervisor_of``); the outcome may
correct the data the list shows (name, mobile, masked) instead of ending the binding.
R-BIND-3: the convener may extend a running publication; the earlier end is kept and logged."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ownervote.audit.models import AuditEvent
from ownervote.bindinglist import selectors, services
from ownervote.bindinglist.models import Extension, Objection, Publication
from ownervote.bindings.models import Binding
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.core.todo import for_user

from .conftest import REASON, actions, days, inbox

R = "/api/binding-lists"


def _file(owner_world, who="wang", binding_key="zhang_binding") -> Objection:
    return services.objection_file(
        actor=owner_world[who], binding_id=owner_world[binding_key].pk, reason=REASON
    )


def _overdue(objection: Objection, by: int = 2) -> None:
    """The publicity the objection was filed in ended ``by`` days ago."""
    Publication.objects.filter(pk=objection.publication_id).update(
        starts_on=days(-10 - by), ends_on=days(-by)
    )


# --- correcting the data ---------------------------------------------------------------------------


def test_r_bind_4_outcome_corrects_name_and_mobile_and_the_binding_stays(
    owner_world, staff, estates, running
):
    objection = _file(owner_world)
    decided = services.objection_decide(
        actor=staff["convener"],
        objection_id=objection.pk,
        outcome="corrected",
        check_note="核对不动产登记与业主本人，姓名录入有误。",
        outcome_note="已更正姓名和手机号码",
        corrected_name="张叁",
        corrected_mobile="13912345678",
    )
    assert decided.status == Objection.Status.CORRECTED
    assert decided.corrected_name_masked == "张*" and decided.corrected_mobile_masked == "139****5678"
    assert "13912345678" not in decided.corrected_mobile_enc  # stored encrypted
    binding = Binding.objects.get(pk=owner_world["zhang_binding"].pk)
    assert binding.status == Binding.Status.ACTIVE  # not ended
    (row,) = [r for r in selectors.list_rows(estates["a"]) if r.binding_id == binding.pk]
    assert row.mobile_masked == "139****5678" and row.name_masked == "张*"
    event = AuditEvent.objects.get(action="bindinglist.objection_decided")
    assert event.summary["outcome"] == "corrected" and event.summary["binding_ended"] is False
    assert event.summary["corrected"] == {"name": "张*", "mobile": "139****5678"}
    assert event.summary["late"] is False and "13912345678" not in str(event.summary)
    # Announced on the owners' page; both sides told.
    assert list(selectors.upheld_notices(estates["a"])) == [decided]
    assert inbox(owner_world["wang"], "objection.decided") and inbox(
        owner_world["zhang"], "objection.decided"
    )


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({}, "objection.correction_required"),
        ({"corrected_mobile": "12345"}, "objection.correction_mobile"),
        ({"outcome": "maybe"}, "objection.outcome"),
    ],
)
def test_r_bind_4_a_correction_needs_the_data(owner_world, staff, running, fields, code):
    objection = _file(owner_world)
    before = (AuditEvent.objects.count(), list(selectors.list_rows(running.estate)))
    with pytest.raises(InvalidInput) as exc:
        services.objection_decide(
            actor=staff["convener"],
            objection_id=objection.pk,
            check_note="已核实",
            **{"outcome": "corrected", **fields},
        )
    assert exc.value.code == code and exc.value.message  # a Chinese message
    objection.refresh_from_db()
    assert objection.status == Objection.Status.FILED
    assert (AuditEvent.objects.count(), list(selectors.list_rows(running.estate))) == before


def test_r_bind_4_convener_corrects_on_the_console_page(client, owner_world, staff, estates, running):
    objection = _file(owner_world)
    url = reverse("bindinglist:objection_detail", args=[estates["a"].pk, objection.pk])
    client.force_login(staff["convener"])
    page = client.get(url).content.decode()
    assert 'value="corrected"' in page and "更正后的手机号码" in page
    assert running.ends_on.isoformat() in page  # "核实期限"
    refused = client.post(url, {"check_note": "已核实", "outcome": "corrected"})
    assert (
        refused.status_code == 422 and "请填写清单应显示的更正后的姓名或手机号码" in refused.content.decode()
    )
    done = client.post(
        url, {"check_note": "已核实", "outcome": "corrected", "corrected_mobile": "13912345678"}
    )
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    client.force_login(owner_world["wang"])
    owner_page = client.get(reverse("bindinglist:owner", args=[estates["a"].pk])).content.decode()
    assert "139****5678" in owner_page and "已更正" in owner_page


def test_r_bind_4_correction_by_api(owner_world, staff, running):
    objection = _file(owner_world)
    c = Client()
    c.force_login(staff["convener"])
    url = f"{R}/objections/{objection.pk}/decision"
    refused = c.post(url, {"outcome": "corrected", "check_note": "已核实"}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "objection.correction_required"
    done = c.post(
        url,
        {"outcome": "corrected", "check_note": "已核实", "corrected_name": "张叁"},
        content_type="application/json",
    )
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "corrected" and body["corrected_name_masked"] == "张*"
    assert body["decide_by"] == running.ends_on.isoformat() and body["overdue"] is False


# --- the deadline and the supervising office ------------------------------------------------------


def test_r_bind_4_undecided_past_the_publicity_is_overdue_to_the_street_office(
    client, owner_world, staff, estates, running
):
    objection = _file(owner_world)
    assert not selectors.overdue_objections(staff["street"])  # within the publicity: not overdue
    _overdue(objection)
    assert selectors.overdue_objections(staff["street"]) == [objection]
    for nobody in ("other_street", "convener", "district", "city"):
        assert selectors.overdue_objections(staff[nobody]) == []
    # The street office's console home and its list.
    (todo,) = [t for t in for_user(staff["street"], timezone.localdate()) if t.key == "objections-overdue"]
    assert todo.urgent and todo.url == reverse("bindinglist:overdue") and "碧海花园" in todo.detail
    client.force_login(staff["street"])
    home = client.get(reverse("console:home")).content.decode()
    assert 'id="todo-objections-overdue"' in home and "逾期未核实的绑定清单异议：1" in home
    page = client.get(reverse("bindinglist:overdue"))
    assert page.status_code == 200
    body = page.content.decode()
    assert f'data-objection="{objection.pk}"' in body and "1栋-101" in body
    assert reverse("bindinglist:objection_detail", args=[estates["a"].pk, objection.pk]) in body
    # The estate's objection list and the objection say it is overdue.
    listing = client.get(reverse("bindinglist:objections", args=[estates["a"].pk])).content.decode()
    assert "已逾期" in listing
    # Nobody else is shown it; the convener gets 403 on the list.
    client.force_login(staff["convener"])
    assert client.get(reverse("bindinglist:overdue")).status_code == 403
    client.force_login(staff["other_street"])
    assert (
        f'data-objection="{objection.pk}"' not in client.get(reverse("bindinglist:overdue")).content.decode()
    )
    # Decided late: recorded, marked late in the log, no longer overdue.
    services.objection_decide(
        actor=staff["convener"], objection_id=objection.pk, outcome="dismissed", check_note="已核实"
    )
    event = AuditEvent.objects.get(action="bindinglist.objection_decided")
    assert event.summary["late"] is True and event.summary["due_on"] == days(-2).isoformat()
    assert selectors.overdue_objections(staff["street"]) == []


def test_r_bind_4_where_the_street_office_convened_the_district_is_shown_it(
    owner_world, staff, estates, make_staff
):
    street_convener = make_staff("street_office", estate=estates["a"])  # art. 33
    organisation = street_convener.memberships.get().organisation
    Publication.objects.create(
        estate=estates["a"],
        starts_on=days(0),
        ends_on=days(10),
        list_digest="0" * 64,
        published_by=street_convener,
        publisher_real_name=street_convener.real_name,
        publisher_organisation=organisation,
    )
    objection = _file(owner_world)
    _overdue(objection)
    assert selectors.overdue_objections(staff["district"]) == [objection]
    assert selectors.overdue_objections(staff["street"]) == []


def test_r_bind_4_overdue_by_api(owner_world, staff, running):
    objection = _file(owner_world)
    _overdue(objection)
    c = Client()
    c.force_login(staff["street"])
    rows = c.get(f"{R}/objections/overdue").json()
    assert [r["id"] for r in rows] == [objection.pk] and rows[0]["overdue"] is True
    c.force_login(staff["convener"])
    refused = c.get(f"{R}/objections/overdue")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "binding_list.forbidden"


# --- extending a publication (R-BIND-3) -----------------------------------------------------------


def test_r_bind_3_convener_extends_a_running_publication(owner_world, staff, estates, running):
    services.extend(
        actor=staff["convener"], publication_id=running.pk, ends_on=days(15), reason="随会议公示延长"
    )
    running.refresh_from_db()
    assert running.ends_on == days(15)
    (extension,) = Extension.objects.all()
    assert (extension.previous_ends_on, extension.ends_on) == (days(10), days(15))
    assert actions(estates["a"])[-1] == "bindinglist.extended"
    assert inbox(owner_world["zhang"], "bindinglist.extended")


@pytest.mark.parametrize(
    ("who", "ends", "reason", "error", "code"),
    [
        ("convener", 10, "理由", InvalidInput, "publication.extension_not_later"),
        ("convener", 15, "  ", InvalidInput, "publication.extension_reason_required"),
        ("street", 15, "理由", Forbidden, "binding_list.forbidden"),
        ("other_convener", 15, "理由", NotFound, "publication.not_found"),
    ],
)
def test_r_bind_3_extension_refusals(owner_world, staff, running, who, ends, reason, error, code):
    before = AuditEvent.objects.count()
    with pytest.raises(error) as exc:
        services.extend(actor=staff[who], publication_id=running.pk, ends_on=days(ends), reason=reason)
    assert exc.value.code == code
    running.refresh_from_db()
    assert running.ends_on == days(10) and not Extension.objects.exists()
    assert AuditEvent.objects.count() == before


def test_r_bind_3_extension_cannot_run_into_the_next_publication(owner_world, staff, make_publication):
    first = make_publication(0, 10)
    make_publication(12, 22)
    with pytest.raises(Conflict) as exc:
        services.extend(actor=staff["convener"], publication_id=first.pk, ends_on=days(13), reason="延长")
    assert exc.value.code == "publication.overlap"


def test_r_bind_3_extension_by_api(owner_world, staff, running):
    c = Client()
    c.force_login(staff["convener"])
    url = f"{R}/publications/{running.pk}/extend"
    refused = c.post(url, {"ends_on": days(9).isoformat(), "reason": "延长"}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "publication.extension_not_later"
    done = c.post(url, {"ends_on": days(14).isoformat(), "reason": "延长"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["ends_on"] == days(14).isoformat()
