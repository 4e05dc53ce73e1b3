"""PostgreSQL's statements bound on the server and kept prepared (settings.base.postgres_options):
on by default, off for a pooler in transaction mode (README, "Running on PostgreSQL")."""

from __future__ import annotations

import pytest
from django.db import connection

from ownervote.settings.base import postgres_options


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, {"server_side_binding": True, "prepare_threshold": 5}),
        ("12", {"server_side_binding": True, "prepare_threshold": 12}),
        ("0", {"server_side_binding": True, "prepare_threshold": 0}),
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
    connection.ensure_connection()
    for _ in range(7):
        with connection.cursor() as c:
            c.execute("SELECT /* probe */ count(*) FROM django_content_type WHERE app_label = %s", ["voting"])
            assert c.fetchone()[0] > 0
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%/* probe */%"])
        assert c.fetchone()[0] == 1
