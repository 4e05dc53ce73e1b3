"""Four owners give a proxy to the same person at the same instant: exactly three proxies exist
afterwards (R-VOTE-6; Shenzhen regulation art. 18). PostgreSQL only: SQLite serialises writers
on its own and proves nothing here."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from ownervote.core.errors import Conflict
from ownervote.voting.models import Proxy, ProxyHolder

from .proxy_fixtures import grant, granting  # noqa: F401

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


def test_four_at_once_give_three(transactional_db, granting):  # noqa: F811 - R-VOTE-6
    w = granting
    barrier = threading.Barrier(len(w["owners"]))
    results: list[object] = []
    lock = threading.Lock()

    def run(user, flat):
        try:
            barrier.wait(timeout=30)
            outcome = grant(user, w["meeting"], [flat]).pk
        except Conflict as exc:
            outcome = exc.code
        except Exception as exc:  # pragma: no cover - reported below
            outcome = repr(exc)
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=owner) for owner in w["owners"]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(results) == 4, results
    assert sorted(r for r in results if isinstance(r, str)) == ["proxy.too_many"], results
    assert Proxy.objects.filter(meeting=w["meeting"], status="active").count() == 3
    assert ProxyHolder.objects.count() == 1
    assert Proxy.objects.values("owner").distinct().count() == 3
