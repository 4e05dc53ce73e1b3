"""/api/me and /api/orgs/: registration and approval (R-ORG-1), tokens, CSRF, authorised staff
(R-ORG-2), structured errors and the OpenAPI document."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from ownervote.api import api
from ownervote.audit.models import AuditEvent
from ownervote.core.validators import resident_id_check_digit
from ownervote.orgs.models import Association, Membership, Organisation, User

PASSWORD = "Bihai-garden-2026"


def error_of(response, status: int) -> dict:
    """The structured error body, checked for shape: a stable code and a message for people."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] and body["error"]["message"].strip()
    return body["error"]


def register_body(estate_id: int, **overrides) -> dict:
    return {
        "username": "lin.xiaomei",
        "password": PASSWORD,
        "real_name": "林晓梅",
        "mobile": "13912345678",
        "organisation_kind": "preparatory_group",
        "organisation_name": "金地花园业主大会筹备组",
        "estate_id": estate_id,
        **overrides,
    }


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_unauthenticated_gets_401_auth_required(staff, estates):
    for path in ("/api/me", "/api/orgs/associations", "/api/orgs/tokens", f"/api/estates/{estates['a'].pk}"):
        assert error_of(Client().get(path), 401)["code"] == "auth.required"


def test_register_then_street_approves(staff, estates):  # R-ORG-1
    anonymous = Client(enforce_csrf_checks=True)  # registration needs no session, hence no CSRF token
    response = anonymous.post(
        "/api/orgs/register", register_body(estates["b"].pk), content_type="application/json"
    )
    assert response.status_code == 202, response.content
    assert response.json()["received"] is True
    new_assoc = Association.objects.get(organisation__memberships__user__username="lin.xiaomei")
    assert new_assoc.status == "pending" and new_assoc.estate_id == estates["b"].pk

    convener = signed_in(User.objects.get(username="lin.xiaomei"))
    me = convener.get("/api/me").json()
    assert me["real_name"] == "林晓梅" and me["mobile_masked"] == "139****5678"
    assert me["kinds"] == [] and me["associations"] == []  # nothing takes effect before approval
    assert convener.get("/api/estates").json() == []
    assert error_of(convener.get(f"/api/estates/{estates['b'].pk}"), 404)["code"] == "estate.not_found"

    street = signed_in(staff["street"])
    pending = [a for a in street.get("/api/orgs/associations").json() if a["status"] == "pending"]
    assoc_id = new_assoc.pk
    assert assoc_id in {a["id"] for a in pending}
    decided = street.post(
        f"/api/orgs/associations/{assoc_id}/decision",
        {"decision": "approved"},
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "approved"
    assert decided.json()["decided_by"] == staff["street"].real_name

    me = convener.get("/api/me").json()
    assert me["kinds"] == ["preparatory_group"]
    assert [a["target"]["id"] for a in me["associations"]] == [estates["b"].pk]
    assert [e["id"] for e in convener.get("/api/estates").json()] == [estates["b"].pk]
    assert AuditEvent.objects.filter(action="association.approved").count() == 1


def test_registration_errors_are_structured(staff, estates):
    client = Client()
    post = lambda body: client.post("/api/orgs/register", body, content_type="application/json")  # noqa: E731
    assert error_of(post(register_body(estates["b"].pk, mobile="12345")), 422)["code"] == "account.mobile"
    assert error_of(post(register_body(None)), 422)["code"] == "association.target"
    assert error_of(post(register_body(estates["b"].pk, password="short")), 422)["code"] == "account.password"
    # A government body is associated with a division, not an estate.
    wrong = register_body(estates["b"].pk, organisation_kind="street_office")
    assert error_of(post(wrong), 422)["code"] == "association.target_kind"
    missing = register_body(estates["b"].pk)
    del missing["real_name"]
    error = error_of(post(missing), 422)
    assert error["code"] == "invalid_input" and error["details"]
    first, again = post(register_body(estates["b"].pk)), post(register_body(estates["b"].pk))
    assert first.status_code == again.status_code == 202  # a taken username is not told (issue 19)


def test_decisions_need_a_reason_and_follow_the_transitions(staff, estates):  # R-ORG-1
    street = signed_in(staff["street"])
    assoc = staff["pending"].memberships.get().organisation.associations.get()
    url = f"/api/orgs/associations/{assoc.pk}/decision"
    decide = lambda body: street.post(url, body, content_type="application/json")  # noqa: E731
    assert error_of(decide({"decision": "refused"}), 422)["code"] == "association.reason_required"
    assert error_of(decide({"decision": "maybe"}), 422)["code"] == "invalid_input"
    assert decide({"decision": "refused", "reason": "材料不全"}).json()["reason"] == "材料不全"
    assert error_of(decide({"decision": "approved"}), 409)["code"] == "association.transition"
    # Another street office cannot even see it.
    other = signed_in(staff["other_street"])
    response = other.post(url, {"decision": "approved"}, content_type="application/json")
    assert error_of(response, 404)["code"] == "association.not_found"


def test_apply_for_another_estate(staff, estates):  # R-ORG-1
    convener = signed_in(staff["convener"])
    org = staff["convener"].memberships.get().organisation
    body = {"organisation_id": org.pk, "estate_id": estates["b"].pk, "note": "同一业委会"}
    created = convener.post("/api/orgs/associations", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "pending"
    again = convener.post("/api/orgs/associations", body, content_type="application/json")
    assert error_of(again, 409)["code"] == "association.exists"
    division = {"organisation_id": org.pk, "division_id": estates["b"].street_id}
    response = convener.post("/api/orgs/associations", division, content_type="application/json")
    assert error_of(response, 422)["code"] == "association.target_kind"


def test_geography_is_public(geo, estates):
    client = Client()
    streets = client.get("/api/orgs/divisions", {"kind": "street", "parent": geo["futian"].pk}).json()
    assert [d["name"] for d in streets] == ["沙头街道", "香蜜湖街道"]
    names = [e["name"] for e in client.get(f"/api/orgs/divisions/{geo['shatou'].pk}/estates").json()]
    assert sorted(names) == sorted(["碧海花园", "金地花园"])
    assert error_of(client.get("/api/orgs/divisions", {"kind": "planet"}), 422)["code"] == "invalid_input"
    assert error_of(client.get("/api/orgs/divisions/999999/estates"), 404)["code"] == "division.not_found"


def test_token_auth_and_revocation(staff):
    session = signed_in(staff["convener"])
    created = session.post("/api/orgs/tokens", {"name": "小程序"}, content_type="application/json")
    assert created.status_code == 201
    key = created.json()["key"]
    assert key.startswith("ov_") and created.json()["prefix"] == key[3:11]
    listed = session.get("/api/orgs/tokens").json()
    assert [t["name"] for t in listed] == ["小程序"] and "key" not in listed[0]

    bearer = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})
    assert bearer.get("/api/me").json()["username"] == staff["convener"].username
    # A bearer token needs no CSRF token: browsers never send it by themselves.
    assert (
        bearer.post("/api/orgs/tokens", {"name": "second"}, content_type="application/json").status_code
        == 201
    )

    token_id = created.json()["id"]
    assert session.delete(f"/api/orgs/tokens/{token_id}").json()["revoked_at"]
    assert error_of(bearer.get("/api/me"), 401)["code"] == "auth.required"
    assert (
        error_of(Client(headers={"Authorization": "Bearer ov_made_up"}).get("/api/me"), 401)["code"]
        == "auth.required"
    )
    assert error_of(session.delete(f"/api/orgs/tokens/{token_id}"), 404)["code"] == "token.not_found"


def test_csrf_is_enforced_for_session_posts(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff["convener"])
    assert client.get("/api/me").status_code == 200  # safe methods need no token
    refused = client.post("/api/orgs/tokens", {"name": "x"}, content_type="application/json")
    assert error_of(refused, 403)["code"] == "auth.csrf_failed"
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    accepted = client.post(
        "/api/orgs/tokens", {"name": "x"}, content_type="application/json", headers={"X-CSRFToken": secret}
    )
    assert accepted.status_code == 201
    # Without a session the answer is 401, not a CSRF complaint.
    anonymous = Client(enforce_csrf_checks=True).post(
        "/api/orgs/tokens", {"name": "x"}, content_type="application/json"
    )
    assert error_of(anonymous, 401)["code"] == "auth.required"


@pytest.fixture
def owner_org(db):
    admin = User.objects.create_user(username="org_admin", password="Pw-for-tests-1", real_name="王管理")
    member = User.objects.create_user(username="org_member", password="Pw-for-tests-1", real_name="钱成员")
    org = Organisation.objects.create(kind=Organisation.Kind.OWNER_ORGANISATION, name="深圳市某投资有限公司")
    Membership.objects.create(user=admin, organisation=org, role=Membership.Role.ADMIN)
    Membership.objects.create(user=member, organisation=org, role=Membership.Role.MEMBER)
    return {"org": org, "admin": admin, "member": member}


def test_organisation_owner_authorises_staff(owner_org):  # R-ORG-2
    first17 = "44030419750505123"
    id_number = first17 + resident_id_check_digit(first17)
    person = {"name": "赵卫国", "id_number": id_number, "mobile": "13600001111", "valid_from": "2026-01-01"}
    admin = signed_in(owner_org["admin"])
    url = f"/api/orgs/{owner_org['org'].pk}/staff"
    created = admin.post(url, person, content_type="application/json")
    assert created.status_code == 201, created.content
    shown = created.json()
    assert (shown["name_masked"], shown["mobile_masked"]) == ("赵*国", "136****1111")
    assert shown["id_number_masked"] == id_number[:4] + "*" * 10 + id_number[-4:]
    listing = admin.get(url)
    text = json.dumps(listing.json(), ensure_ascii=False)
    assert id_number not in text and "13600001111" not in text and "赵卫国" not in text  # R-SEC-1
    assert error_of(admin.post(url, person, content_type="application/json"), 409)["code"] == "staff.exists"
    bad = {**person, "id_number": first17 + "0" if id_number[-1] != "0" else first17 + "1"}
    assert error_of(admin.post(url, bad, content_type="application/json"), 422)["code"] == "staff.id_number"
    late = {**person, "valid_until": "2025-12-31"}
    assert error_of(admin.post(url, late, content_type="application/json"), 422)["code"] == "staff.term"

    member = signed_in(owner_org["member"])  # a plain member neither lists nor authorises
    assert error_of(member.get(url), 404)["code"] == "organisation.not_found"
    revoked = admin.delete(f"{url}/{shown['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert error_of(admin.delete(f"{url}/{shown['id']}"), 404)["code"] == "staff.not_found"


def test_openapi_document_lists_every_path():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    registered = set()
    for prefix, router in api._routers:
        for path in router.path_operations:
            registered.add(re.sub("/+", "/", f"/api/{prefix}/{path}").rstrip("/"))
    assert set(document["paths"]) == registered
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), (method, path)
            assert "422" in operation["responses"] or method == "get", (method, path)
    assert "ErrorOut" in document["components"]["schemas"]
