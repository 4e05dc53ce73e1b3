"""The binding list's objections on the convener's home (``core.todo``, issue 22 item 1; R-BIND-4,
art. 15): each estate's objections still to check, due on the publicity's last day; not for anybody
else; gone once decided."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ownervote.bindinglist import services
from ownervote.bindinglist import todo as list_todos

from .conftest import REASON

pytestmark = pytest.mark.django_db


def keyed(user, on: dt.date | None = None) -> dict:
    return {t.key: t for t in list_todos.objections_to_check(user, on or timezone.localdate())}


def test_r_bind_4_the_convener_checks_the_objection_before_the_publicity_ends(
    owner_world, staff, estates, running
):
    objection = services.objection_file(
        actor=owner_world["li"], binding_id=owner_world["zhang_binding"].pk, reason=REASON
    )
    key = f"binding-objections-{estates['a'].pk}"
    todo = keyed(staff["convener"])[key]
    assert todo.due_on == running.ends_on and not todo.urgent
    assert todo.url == reverse("bindinglist:objections", args=[estates["a"].pk]) + "?status=filed"
    assert keyed(staff["convener"], running.ends_on)[key].urgent
    for who in ("other_convener", "street", "district", "city", "community"):
        assert key not in keyed(staff[who]), who
    services.objection_decide(
        actor=staff["convener"],
        objection_id=objection.pk,
        outcome="dismissed",
        check_note="核对产权证书原件，张三仍为业主。",
    )
    assert key not in keyed(staff["convener"])
