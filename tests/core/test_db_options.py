"""The cast's statements kept prepared on PostgreSQL (core.prepared, settings.base.postgres_options):
on by default, off for a pooler in transaction mode (README, "Running on PostgreSQL"); Django's
own statements still bind on the client, with no limit on their parameters."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ownervote.core import prepared
from ownervote.roster.models import Flat
from ownervote.settings.base import postgres_options


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, {"prepare_threshold": 5}),
        ("12", {"prepare_threshold": 12}),
        ("0", {"prepare_threshold": 0}),
        ("off", {}),
        ("OFF", {}),
        ("none", {}),
        ("", {}),
    ],
)
def test_the_prepare_threshold_comes_from_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("OWNERVOTE_DB_PREPARE_THRESHOLD", raising=False)
    else:
        monkeypatch.setenv("OWNERVOTE_DB_PREPARE_THRESHOLD", value)
    assert postgres_options() == expected


def test_a_threshold_that_is_not_a_number_stops_the_start(monkeypatch):
    monkeypatch.setenv("OWNERVOTE_DB_PREPARE_THRESHOLD", "often")
    with pytest.raises(ValueError):
        postgres_options()


@pytest.mark.django_db
def test_a_statement_run_again_is_prepared_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements: PostgreSQL")
    for _ in range(7):
        with prepared.cursor() as c:
            c.execute("SELECT /* probe */ count(*) FROM django_content_type WHERE app_label = %s", ["voting"])
            assert c.fetchone()[0] > 0
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%/* probe */%"])
        assert c.fetchone()[0] == 1


@pytest.mark.django_db
def test_django_s_own_statements_take_any_number_of_parameters():
    # A server-side bound statement takes at most 65,535: the ORM's stay client-side, so a city's
    # IN list of 70,000 ids (or a bulk insert of as many values) still runs.
    assert Flat.objects.filter(pk__in=range(1, 70_001)).count() == 0


@pytest.mark.django_db
def test_a_prepared_statement_is_logged_like_any_other():
    with CaptureQueriesContext(connection) as q, prepared.cursor() as c:
        c.execute("SELECT %s + 1", [41])
        assert c.fetchone()[0] == 42
    assert [x["sql"] for x in q.captured_queries][-1].startswith("SELECT")
