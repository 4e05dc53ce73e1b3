"""Two phones submitting for one flat at the same instant (R-VOTE-1, R-VOTE-8): the unique
constraint ``ballot_one_electronic_per_flat`` lets exactly one ballot in; the others get a clear
refusal. Real threads, each with its own database connection, against PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from ownervote.core.errors import Conflict
from ownervote.voting.models import Ballot, Progress, Submission
from ownervote.voting.services import cast

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrency"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 6


def test_same_flat_same_instant_gives_one_ballot(transactional_db, cast_world):  # R-VOTE-1 R-VOTE-8
    w = cast_world
    flat_id = w["flat"]["1栋-102"]  # co-owned by li and wang: both phones try at once
    voters = [w["li"], w["wang"]] * (THREADS // 2)
    barrier = threading.Barrier(THREADS)
    results: list[object] = [None] * THREADS

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = cast.ballot_cast(
                actor=voters[i], meeting_id=w["meeting"].pk, flat_ids=[flat_id], answers=w["answers"]
            )
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    accepted = [r for r in results if isinstance(r, Submission)]
    refused = [r for r in results if not isinstance(r, Submission)]
    assert len(accepted) == 1, results
    assert all(isinstance(r, Conflict) and r.code == "ballot.already_voted" for r in refused), refused
    assert Ballot.objects.filter(meeting=w["meeting"], flat_id=flat_id).count() == 1
    assert Submission.objects.filter(meeting=w["meeting"]).count() == 1
    head = Progress.objects.get(meeting=w["meeting"], building__isnull=True)
    assert head.flats_voted == 1 and head.electronic == 1
