"""R-ORG-3 and R-ORG-4 at the API and on the console's pages: a street office applies to convene an
estate of its street and its district bureau approves; a community committee applies for an estate
of its community and the street office approves; refusals carry their code (API) and show on the
estate field (page)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ownervote.orgs.errors import Code
from ownervote.orgs.models import Association, Organisation
from ownervote.roster.models import Estate


def org_of(user) -> Organisation:
    return Organisation.objects.get(memberships__user=user)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def estate_d(geo):
    return Estate.objects.create(name="沙嘴新村", street=geo["shatou"], community=geo["shazui"])


def apply_api(user, estate):
    body = {"organisation_id": org_of(user).pk, "estate_id": estate.pk, "note": "依法代为召集"}
    return signed_in(user).post("/api/orgs/associations", body, content_type="application/json")


def test_r_org_3_api_a_street_office_applies_and_the_district_approves(staff, estates):
    created = apply_api(staff["street"], estates["b"])
    assert created.status_code == 201 and created.json()["status"] == "pending"
    url = f"/api/orgs/associations/{created.json()['id']}/decision"
    street = signed_in(staff["street"]).post(url, {"decision": "approved"}, content_type="application/json")
    assert street.status_code == 403
    district = signed_in(staff["district"]).post(
        url, {"decision": "approved"}, content_type="application/json"
    )
    assert district.status_code == 200 and district.json()["status"] == "approved"


def test_r_org_3_api_refusals_carry_their_codes(staff, estates):
    outside = apply_api(staff["street"], estates["c"])
    assert outside.status_code == 422 and outside.json()["error"]["code"] == Code.ASSOCIATION_OUTSIDE_DIVISION
    assert "街道" in outside.json()["error"]["message"]
    committee = apply_api(staff["street"], estates["a"])
    assert committee.status_code == 409
    assert committee.json()["error"]["code"] == Code.ASSOCIATION_ESTATE_HAS_COMMITTEE


def test_r_org_4_api_a_community_committee_applies_and_the_street_office_approves(staff, estates, estate_d):
    refused = apply_api(staff["community"], estates["c"]).json()["error"]
    assert refused["code"] == Code.ASSOCIATION_OUTSIDE_DIVISION
    created = apply_api(staff["community"], estate_d)
    assert created.status_code == 201
    url = f"/api/orgs/associations/{created.json()['id']}/decision"
    district = signed_in(staff["district"]).post(
        url, {"decision": "approved"}, content_type="application/json"
    )
    assert district.status_code == 404
    street = signed_in(staff["street"]).post(url, {"decision": "approved"}, content_type="application/json")
    assert street.status_code == 200 and street.json()["status"] == "approved"


def post_apply(client, user, estate):
    return client.post(
        reverse("console:association_apply"),
        {"organisation": org_of(user).pk, "estate": estate.pk, "division": "", "note": ""},
    )


def test_r_org_3_pages_a_street_office_applies_and_the_district_decides(client, staff, estates):
    client.force_login(staff["street"])
    response = post_apply(client, staff["street"], estates["b"])
    assert response.status_code == 302
    assoc = Association.objects.get(organisation=org_of(staff["street"]), estate=estates["b"])
    assert assoc.status == "pending"
    decide = reverse("console:association_decide", args=[assoc.pk])
    assert client.get(decide).status_code == 404  # not its own to decide
    client.force_login(staff["district"])
    page = client.get(reverse("console:associations"), {"status": "pending"}).content.decode()
    assert "金地花园" in page and decide in page
    assert client.post(decide, {"decision": "approved", "reason": ""}).status_code == 302
    assert Association.objects.get(pk=assoc.pk).status == "approved"


def test_r_org_3_pages_refusals_show_on_the_estate_field(client, staff, estates):
    client.force_login(staff["street"])
    response = post_apply(client, staff["street"], estates["c"])
    assert response.status_code == 422
    assert response.context["form"].errors["estate"]
    response = post_apply(client, staff["street"], estates["a"])
    assert response.status_code == 422
    assert "业主委员会" in response.context["form"].errors["estate"][0]


def test_r_org_4_pages_the_street_office_decides_a_community_committee(client, staff, estate_d):
    client.force_login(staff["community"])
    assert post_apply(client, staff["community"], estate_d).status_code == 302
    assoc = Association.objects.get(organisation=org_of(staff["community"]), estate=estate_d)
    client.force_login(staff["street"])
    decide = reverse("console:association_decide", args=[assoc.pk])
    assert client.post(decide, {"decision": "approved", "reason": ""}).status_code == 302
    assert Association.objects.get(pk=assoc.pk).status == "approved"


def test_r_org_3_pages_the_committee_waits_for_the_street_offices_meeting(client, staff, estates):
    """Handover: approving the owners' committee is refused, with the meeting named, while the
    street office's meeting there is unfinished; the street office's association stays approved."""
    from ownervote.meetings import services as meeting_services
    from ownervote.orgs import services
    from tests.meetings.conftest import meeting_input

    street_assoc = services.apply_association(
        actor=staff["street"], organisation=org_of(staff["street"]), estate=estates["b"]
    )
    services.decide_association(actor=staff["district"], association_id=street_assoc.pk, decision="approved")
    meeting_services.meeting_create(
        actor=staff["street"], estate_id=estates["b"].pk, **meeting_input(25, title="金地花园临时会议")
    )
    _, committee = services.register_account(
        username="jdyw",
        password="A-long-enough-pw-7",
        real_name="金业委",
        mobile="13900001111",
        organisation_kind="owners_committee",
        organisation_name="金地花园业主委员会",
        estate=estates["b"],
    )
    client.force_login(staff["street"])
    decide = reverse("console:association_decide", args=[committee.pk])
    response = client.post(decide, {"decision": "approved", "reason": ""})
    assert response.status_code == 422  # a form page shows a refusal in place
    assert "金地花园临时会议" in response.content.decode()
    assert Association.objects.get(pk=committee.pk).status == "pending"
    assert Association.objects.get(pk=street_assoc.pk).status == "approved"
    api = signed_in(staff["street"]).post(
        f"/api/orgs/associations/{committee.pk}/decision",
        {"decision": "approved"},
        content_type="application/json",
    )
    assert api.status_code == 409 and api.json()["error"]["code"] == Code.ASSOCIATION_HANDOVER_UNFINISHED
