"""Two phones submitting for one flat at the same instant (R-VOTE-1, R-VOTE-8): the unique
constraint ``ballot_one_electronic_per_flat`` lets exactly one ballot in; the others get a clear
refusal. Real threads, each with its own database connection, against PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from ownervote.core.errors import Conflict
from ownervote.voting.models import Ballot, Submission
from ownervote.voting.services import cast, progress

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
    head = progress.counted(w["meeting"].pk)
    assert head.flats_voted == 1 and head.electronic == 1


def test_many_owners_at_once_all_counted_and_the_audit_chain_holds(
    transactional_db, cast_world
):  # R-VOTE-1 R-VOTE-2 R-SEC-3
    """The deadline rush (issue 7): different owners casting at the same instant all get in; the
    counters (one hot row per meeting) and the estate's audit chain (linked by the worker) end up
    exactly as if they had come one by one."""
    from ownervote.audit.chainer import chain_pending
    from ownervote.audit.models import AuditEvent
    from ownervote.audit.services import stream_for, verify_stream

    w = cast_world
    f = w["flat"]
    casts = [
        (w["zhang"], [f["1栋-101"]]),
        (w["li"], [f["1栋-102"]]),
        (w["zhao"], [f["1栋-201"], f["2栋-201"]]),
        (w["chen"], [f["2栋-301"], f["2栋-302"]]),
    ]
    before = progress.counted(w["meeting"].pk)
    barrier = threading.Barrier(len(casts))
    results: list[object] = [None] * len(casts)

    def run(i: int) -> None:
        user, flat_ids = casts[i]
        try:
            barrier.wait(timeout=30)
            results[i] = cast.ballot_cast(
                actor=user, meeting_id=w["meeting"].pk, flat_ids=flat_ids, answers=w["answers"]
            )
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(casts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert all(isinstance(r, Submission) for r in results), results
    head = progress.counted(w["meeting"].pk)
    assert head.flats_voted - before.flats_voted == 6 and head.electronic - before.electronic == 6
    assert head.owners_voted - before.owners_voted == 4  # zhao's and the developer's flats count once
    stream = stream_for(w["meeting"].estate_id)
    chain_pending()  # the worker links the committed events a moment later (R-SEC-2)
    assert verify_stream(stream) is None
    cast_events = AuditEvent.objects.filter(stream=stream, action="ballot.cast").order_by("link__seq")
    assert {e.summary["receipt"] for e in cast_events} == {s.code for s in results}
    chained = list(
        AuditEvent.objects.filter(stream=stream).order_by("link__seq").values_list("id", "link__seq")
    )
    assert all(seq is not None for _, seq in chained)  # every event chained, in the sequence's order
    assert [pk for pk, _ in chained] == sorted(pk for pk, _ in chained)
