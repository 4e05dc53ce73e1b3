"""Statements sent together (core.prepared.batch, deferred): on PostgreSQL the results of a
batch's deferred statements arrive when it ends, in the order the statements ran, and an error
among them fails the block and its transaction as it would have failed alone; elsewhere, and
outside a batch, each runs at once. The cast relies on it (issue 21: one wait for the messages,
the audit event and the counters, R-VOTE-1)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from ownervote.core import prepared

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pipeline mode: PostgreSQL")


def _collect(into: list, label: str):
    return lambda cursor: into.append((label, cursor.fetchone()[0]))


def test_outside_a_batch_a_deferred_statement_hands_its_result_at_once():
    got: list = []
    prepared.deferred("SELECT %s + 1", [41], then=_collect(got, "a"))
    assert got == [("a", 42)]
    assert not prepared.batching()


def test_in_a_batch_the_results_arrive_at_its_end_in_order():
    got: list = []
    with transaction.atomic(), prepared.batch():
        prepared.deferred("SELECT %s + 1", [1], then=_collect(got, "a"))
        prepared.deferred("SELECT %s * 2", [21], then=_collect(got, "b"))
        # On PostgreSQL nothing is handed over before the end; on SQLite each ran at once.
        assert got == ([] if connection.vendor == "postgresql" else [("a", 2), ("b", 42)])
        assert prepared.batching() is (connection.vendor == "postgresql")
    assert got == [("a", 2), ("b", 42)]
    assert not prepared.batching()


def test_statements_in_a_batch_are_logged_like_any_other():
    with CaptureQueriesContext(connection) as q, transaction.atomic(), prepared.batch():
        prepared.deferred("SELECT %s /* batched */", [1], then=lambda c: None)
    assert [x for x in q.captured_queries if "/* batched */" in x["sql"]]


@postgres_only
def test_an_error_in_a_batch_fails_the_block_and_no_callback_runs():
    got: list = []
    with pytest.raises(DatabaseError), transaction.atomic(), prepared.batch():
        prepared.deferred("SELECT %s + 1", [1], then=_collect(got, "a"))
        prepared.deferred("SELECT CAST(%s AS integer)", ["not a number"], then=_collect(got, "b"))
        prepared.deferred("SELECT %s + 1", [2], then=_collect(got, "c"))
    assert got == []
    assert not prepared.batching()
    # The connection works on: the failed transaction was rolled back.
    prepared.deferred("SELECT %s + 1", [3], then=_collect(got, "d"))
    assert got == [("d", 4)]


@postgres_only
def test_a_callback_that_raises_fails_the_block():
    def refuse(_cursor):
        raise LookupError("no such row")

    with pytest.raises(LookupError), transaction.atomic(), prepared.batch():
        prepared.deferred("SELECT 1", [], then=refuse)
    assert not prepared.batching()


def test_batches_nest_into_the_outer_one():
    got: list = []
    with transaction.atomic(), prepared.batch():
        with prepared.batch():
            prepared.deferred("SELECT %s + 1", [1], then=_collect(got, "inner"))
        assert got == ([] if connection.vendor == "postgresql" else [("inner", 2)])
    assert got == [("inner", 2)]
