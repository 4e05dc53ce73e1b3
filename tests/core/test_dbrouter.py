"""The read replica router (core/dbrouter.py; issue 21 item 4): the oversight dashboards (R-RES-4:
results checked by the street office, district bureau and city operator) read from the replica
when one is configured; writes, unmarked views, transactions and a browser that just wrote stay on
the primary. In the suite, the ``replica`` alias is a TEST MIRROR of the test database (its own
connection to the same database): queries captured on that connection went through the replica
alias. The tests are transactional, so that the mirror's connection sees the committed rows."""

from __future__ import annotations

import pytest
from django.db import connections, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from ownervote.core import dbrouter
from ownervote.core.dbrouter import STICKY_COOKIE, ReplicaRouter, reads_from_replica
from ownervote.orgs.models import Division

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

PAGE = "/console/oversight/"
API = "/api/results/oversight"
REPLICA_ON = override_settings(OWNERVOTE_READ_REPLICA="replica")
WRITES = ("INSERT", "UPDATE", "DELETE")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def statements(capture: CaptureQueriesContext) -> list[str]:
    return [q["sql"].lstrip().upper() for q in capture.captured_queries]


def get(client: Client, path: str, **kwargs):
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get(path, **kwargs)
    return response, statements(replica), statements(primary)


@REPLICA_ON
@pytest.mark.parametrize("path", [PAGE, API])
def test_marked_dashboard_reads_from_the_replica(staff, path):  # R-RES-4
    """The oversight page and API: their figures are read through the replica alias; the primary
    serves only the sign-in's session and user (middleware, before the view)."""
    response, replica, primary = get(client_for(staff["city"]), path)
    assert response.status_code == 200
    assert replica, "the dashboard read nothing from the replica"
    assert all(q.startswith("SELECT") for q in replica)
    assert not any("RESULTS_RESULT" in q or "MEETINGS_MEETING" in q for q in primary)


@REPLICA_ON
def test_complaints_figures_read_from_the_replica(staff):  # R-RES-4
    response, replica, _primary = get(client_for(staff["city"]), "/api/complaints/oversight")
    assert response.status_code == 200
    assert replica


@pytest.mark.parametrize("path", [PAGE, API])
def test_no_replica_configured_reads_the_primary(staff, path):  # R-RES-4
    """Without DATABASE_REPLICA_URL (OWNERVOTE_READ_REPLICA None) every read is the primary's."""
    response, replica, primary = get(client_for(staff["city"]), path)
    assert response.status_code == 200
    assert replica == []
    assert primary


@REPLICA_ON
def test_a_browser_that_wrote_reads_the_primary(staff):  # R-RES-4
    """A POST (any request that may write) sets the sticky cookie; the next dashboard of that
    browser is read from the primary, so that it shows what was just done."""
    client = client_for(staff["city"])
    response = client.post("/console/oversight/")  # refused (GET only), but it may have written
    assert response.cookies[STICKY_COOKIE]["max-age"] == 15
    response, replica, primary = get(client, PAGE)
    assert response.status_code == 200
    assert replica == []
    assert primary


def test_no_sticky_cookie_without_a_replica(staff):
    response = client_for(staff["city"]).post("/console/oversight/")
    assert STICKY_COOKIE not in response.cookies


@REPLICA_ON
def test_writes_never_go_to_the_replica(geo):
    """Inside a marked view, a write goes to the primary, and so does every read inside a
    transaction (a service reads what it is about to write, under its locks)."""
    seen = {}

    @reads_from_replica
    def view(request):
        seen["read"] = ReplicaRouter().db_for_read(Division)
        with transaction.atomic():
            seen["read_in_transaction"] = ReplicaRouter().db_for_read(Division)
            Division.objects.create(
                kind="community", code="440304005099", name="测试社区", parent=geo["shatou"]
            )
        return HttpResponse("ok")

    with CaptureQueriesContext(connections["replica"]) as replica:
        view(RequestFactory().get("/x"))
    assert seen == {"read": "replica", "read_in_transaction": "default"}
    assert not any(q.startswith(WRITES) for q in statements(replica))
    assert ReplicaRouter().db_for_write(Division) == "default"
    assert Division.objects.using("default").filter(code="440304005099").exists()


@REPLICA_ON
def test_only_reads_of_marked_views_and_safe_methods():
    """Outside a marked view (the worker, commands, other pages) and for a POST to a marked view,
    reads are the primary's."""
    router = ReplicaRouter()
    assert router.db_for_read(Division) == "default"
    seen = []

    @reads_from_replica
    def view(request):
        seen.append(router.db_for_read(Division))
        return HttpResponse("ok")

    factory = RequestFactory()
    view(factory.get("/x"))
    view(factory.post("/x"))
    sticky = factory.get("/x")
    sticky.COOKIES[STICKY_COOKIE] = "1"
    view(sticky)
    assert seen == ["replica", "default", "default"]
    assert view.reads_from_replica is True
    assert router.allow_migrate("replica", "voting") is False
    assert router.allow_migrate("default", "voting") is True


def test_replica_alias_needs_the_setting():
    assert dbrouter.replica_alias() is None
    with override_settings(OWNERVOTE_READ_REPLICA="nowhere"):
        assert dbrouter.replica_alias() is None
