"""Cast ballots are immutable (R-SEC-3, R-VOTE-1): the ORM refuses every change on every database;
on PostgreSQL the triggers of migration voting/0002 refuse raw UPDATE and DELETE as well."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from ownervote.core.appendonly import AppendOnlyError
from ownervote.voting.models import Ballot, Choice, Submission
from ownervote.voting.services import cast


@pytest.fixture
def cast_ballot(cast_world):
    w = cast_world
    sub = cast.ballot_cast(
        actor=w["zhang"], meeting_id=w["meeting"].pk, flat_ids=[w["flat"]["1栋-101"]], answers=w["answers"]
    )
    return sub


@pytest.mark.parametrize("model", [Submission, Ballot, Choice])
def test_orm_refuses_update_and_delete(cast_ballot, model):  # R-SEC-3
    row = model.objects.first()
    before = list(model.objects.values())
    with pytest.raises(AppendOnlyError):
        model.objects.all().update(pk=row.pk)
    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        model.objects.bulk_update([row], fields=["pk"])
    assert list(model.objects.values()) == before


RAW = [
    ("voting_ballot", "UPDATE voting_ballot SET partial = NOT partial"),
    ("voting_ballot", "DELETE FROM voting_ballot"),
    ("voting_choice", "UPDATE voting_choice SET answer = 'no'"),
    ("voting_choice", "DELETE FROM voting_choice"),
    ("voting_submission", "UPDATE voting_submission SET digest = 'x'"),
    ("voting_submission", "DELETE FROM voting_submission"),
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")
@pytest.mark.parametrize("table, sql", RAW)
def test_postgres_triggers_refuse_raw_sql(cast_ballot, table, sql):  # R-SEC-3
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - a table name of ours
        before = cur.fetchone()[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - a table name of ours
        assert cur.fetchone()[0] == before
    assert Choice.objects.filter(answer="no").count() == 0
