"""The applications on the staff home (``core.todo``, issue 22 item 1; R-ORG-1): the street office
sees the convener's application it decides, the district bureau a street office's, the city
operator a district bureau's; nobody else; gone once decided."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from ownervote.console import todo as console_todos
from ownervote.orgs import services
from ownervote.orgs.models import Association

pytestmark = pytest.mark.django_db


def keyed(user) -> dict:
    return {t.key: t for t in console_todos.applications(user, timezone.localdate())}


def test_r_org_1_each_approver_sees_the_applications_it_decides(staff, geo, make_staff):
    pending = Association.objects.get(organisation__memberships__user=staff["pending"])
    (todo,) = keyed(staff["street"]).values()
    assert todo.key == "applications" and todo.url == reverse("console:association_decide", args=[pending.pk])
    for who in ("other_street", "district", "city", "convener", "community"):
        assert "applications" not in keyed(staff[who]), who

    # A street office of Futian waits for the Futian district bureau; a Nanshan district bureau for
    # the city operator.
    make_staff("street_office", division=geo["xiangmihu"], status="pending")
    assert "applications" in keyed(staff["district"])
    assert "applications" not in keyed(staff["city"])
    make_staff("district_bureau", division=geo["nanshan"], status="pending")
    assert "applications" in keyed(staff["city"])
    assert keyed(staff["district"])["applications"].title == keyed(staff["city"])["applications"].title

    services.decide_association(actor=staff["street"], association_id=pending.pk, decision="approved")
    assert "applications" not in keyed(staff["street"])


def test_r_org_1_several_applications_link_to_the_pending_list(staff, estates, make_staff):
    make_staff("owners_committee", estate=estates["a"], status="pending")
    todo = keyed(staff["street"])["applications"]
    assert todo.url == reverse("console:associations") + "?status=pending"
    assert "2" in todo.title
