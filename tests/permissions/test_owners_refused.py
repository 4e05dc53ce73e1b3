"""Owners have no console and no API token (R-ORG-1: the console acts through organisations; the
owner pages are /m/). An owner signed in by SMS is refused on every console page and every staff
API route, whatever the page or route, including the ones added after this test was written:

- the pages are walked from Django's URL resolver (every pattern under ``console/``), each opened
  with the ids of the page table's row for it (test_page_matrix.py: every route has one), by GET
  and by POST;
- the staff API routes are every route the NinjaAPI registers that is neither public nor in the
  owner table (test_owner_api_matrix.py, written by hand), called with the staff table's row for it
  (test_api_matrix.py: every route has one);
- the page table itself says "refused" in the owner columns of every console row.

Refused means the plain page that sends the owner to /m/ (403), a redirect away from the console,
or 404/405: never 200 with staff content. The API answers 403 ``account.staff_only``.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ownervote.api import api
from ownervote.core.validators import resident_id_check_digit
from ownervote.orgs.models import ApiToken
from tests.identity.helpers import last_code
from tests.owners import bind, verified_person
from tests.rosterfiles import mobile

from .test_api_matrix import ROWS as STAFF_ROWS
from .test_api_matrix import registered_routes, rolled_back
from .test_api_matrix import world as api_world  # noqa: F401 - the staff table's world
from .test_owner_api_matrix import ROWS as OWNER_ROWS
from .test_page_matrix import ROLES as PAGE_ROLES
from .test_page_matrix import pages_world, rows, world  # noqa: F401 - the page table's world

OWNER_COLUMNS = ("zhang", "newcomer")
REFUSED = {302, 403, 404, 405}


def sms_sign_in(mobile: str) -> Client:
    """A browser session signed in the way owners sign in: a code by SMS (/api/auth)."""
    client = Client(raise_request_exception=False)
    sent = client.post("/api/auth/sms-codes", {"mobile": mobile, "purpose": "sign_in"}, "application/json")
    assert sent.status_code == 201, sent.content
    signed = client.post(
        "/api/auth/sign-in", {"mobile": mobile, "code": last_code(mobile)}, "application/json"
    )
    assert signed.status_code == 200, signed.content
    return client


def console_routes() -> set[str]:
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    return {r for r in walk(get_resolver().url_patterns) if r.lstrip("^").startswith("console/")}


def _refused_page(response) -> bool:
    if response.status_code == 302:
        return not response["Location"].startswith("/console/")
    return response.status_code in REFUSED


def test_every_console_row_of_the_page_table_refuses_owners():  # R-ORG-1
    """The hand-written page table agrees: no console row lets an owner column through."""
    wrong = [
        f"{page.id}: {role} {page.expected[role]}"
        for page in rows()
        if page.route.lstrip("^").startswith("console/") and page.route != "console/logout/"
        for role in OWNER_COLUMNS
        if page.expected[role] not in REFUSED
    ]
    assert set(OWNER_COLUMNS) <= set(PAGE_ROLES)
    assert not wrong, "\n".join(wrong)


def test_an_owner_is_refused_on_every_console_page(pages_world):  # noqa: F811 - R-ORG-1
    """Every console URL pattern, by GET and POST, for an owner of estate a signed in by SMS:
    the page sending them to /m/ (403), never the staff page."""
    concrete = {page.route: page.path for page in rows()}
    zhang = sms_sign_in(mobile(1))  # zhang's number (tests/conftest.py owner_world)
    routes = console_routes()
    assert routes and routes <= set(concrete), routes - set(concrete)
    report = []
    for route in sorted(routes):
        path = concrete[route].format(**pages_world["ids"])
        for method in ("get", "post"):
            if route == "console/logout/" and method == "post":
                continue  # signing out is open to everyone (and would end this session)
            with rolled_back():
                response = getattr(zhang, method)(path)
            if not _refused_page(response):
                report.append(f"{method.upper()} {path}: {response.status_code}")
            elif response.status_code == 403 and method == "get":
                assert b'data-code="account.staff_only"' in response.content, path
                assert b'href="/m/"' in response.content, path
    assert not report, "\n".join(report)


def staff_routes() -> set[str]:
    """Every registered route that is neither public nor meant for owners (the owner table)."""
    api.urls  # noqa: B018 - binds the routers
    public = set()
    for bound in api._get_bound_routers():
        for path, view in bound.path_operations.items():
            full = re.sub("/+", "/", f"/api/{bound.prefix}/{path}").rstrip("/")
            public |= {f"{m} {full}" for op in view.operations if not op.auth_callbacks for m in op.methods}
    return registered_routes() - {row.route for row in OWNER_ROWS} - public - {"GET /api/me"}


@pytest.fixture
def owner_in_a(api_world):  # noqa: F811 - the staff table's world
    """The owner of 1栋-101 of estate a in the staff table's roster, verified and bound, signed
    in by SMS."""
    from ownervote.roster.models import Flat

    flat = Flat.objects.get(pk=api_world["ids"]["flat"])
    assert flat.room == "101"  # the first row of test_api_matrix.csv_upload: 业主1号
    first17 = "44030419800101001"
    number = "13900000901"
    person = verified_person(number, "业主1号", first17 + resident_id_check_digit(first17))
    bind(person, flat)
    return person, sms_sign_in(number)


def test_an_owner_is_refused_on_every_staff_api_route(api_world, owner_in_a):  # noqa: F811 - R-ORG-1
    """Every staff route, called as the staff table calls it, by an owner bound in estate a:
    403 ``account.staff_only`` and nothing done."""
    routes = staff_routes()
    assert {"POST /api/orgs/tokens", "GET /api/estates/{estate_id}", "GET /api/orgs/tokens"} <= routes
    _, client = owner_in_a
    by_route = {row.route: row for row in STAFF_ROWS}
    report = []
    for route in sorted(routes):
        row = by_route[route]
        path = row.path.format(**api_world["ids"])
        body = row.body(api_world["ids"]) if callable(row.body) else row.body
        method = getattr(client, route.split()[0].lower())
        with rolled_back():
            if row.multipart:
                response = method(path, body)
            elif body is None:
                response = method(path)
            else:
                response = method(path, body, content_type="application/json")
        code = response.json().get("error", {}).get("code") if response.status_code >= 400 else None
        if (response.status_code, code) != (403, "account.staff_only"):
            report.append(f"{route}: {response.status_code} {code}")
    assert not report, "\n".join(report)


def test_an_owner_cannot_create_or_use_an_api_token(api_world, owner_in_a):  # noqa: F811 - R-ORG-1
    """No token for an owner, by the API or the console; and a token an owner's account held from
    before is refused, on staff routes and owner routes alike."""
    person, client = owner_in_a
    refused = client.post("/api/orgs/tokens", {"name": "mine"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "account.staff_only"
    page = client.post("/console/tokens/", {"name": "mine"})
    assert page.status_code == 403
    assert not ApiToken.objects.filter(user=person).exists()

    key = "ov_owner-token-from-before-the-rule"
    ApiToken.objects.create(user=person, name="old", prefix=key[3:11], key_hash=ApiToken.hash_key(key))
    bearer = Client(headers={"Authorization": f"Bearer {key}"})
    for path in ("/api/bindings", "/api/orgs/tokens", f"/api/estates/{api_world['ids']['a']}"):
        response = bearer.get(path)
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "account.staff_only", path


def test_the_token_service_refuses_an_owner(api_world, owner_in_a):  # noqa: F811 - R-ORG-1
    from ownervote.core.errors import Forbidden
    from ownervote.orgs import services

    person, _ = owner_in_a
    with pytest.raises(Forbidden) as refused:
        services.create_api_token(actor=person, name="mine")
    assert refused.value.code == "account.staff_only"
    assert not ApiToken.objects.filter(user=person).exists()
