"""Benchmark: computing a large meeting's result through the results service, against the raw SQL
aggregate over the same rows.

    make bench-count                # FLATS=50000 ITEMS=20 REPEAT=3

What it does, all by itself:
1. creates a fresh PostgreSQL database (``BENCH_DATABASE_URL``, default
   postgres://postgres@127.0.0.1:5432/ownervote_bench_count; it is dropped first) and migrates it;
2. imports an estate of FLATS flats through the real roster import and confirms its totals, sets up a
   meeting of ITEMS yes/no items through the meeting services and opens its voting (the roll and the
   counters are frozen as in production);
3. writes a ballot for every flat (counted paper ballots of one count session; 1 in 20 leaves an item
   unmarked) and ITEMS choices per ballot with COPY, then closes the voting;
4. times, best of REPEAT, (a) ``results.services.counting.compute`` - what generating the result
   runs: the database sums, ``rules.tally`` decides - and (b) the raw aggregate
   ``SELECT item_id, answer, SUM(area), COUNT(DISTINCT owner_group) ... GROUP BY item_id, answer``;
   then once ``result_generate`` as a whole (per-flat table, Merkle root, frozen content);
5. prints the figures and the ratio service / raw. Target (issue 7): ratio <= 2.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from cast import environment, fresh_database  # noqa: E402
from common import estate_with_roster, open_meeting  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ownervote_bench_count"


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    flats = int(os.environ.get("FLATS", "50000"))
    items_n = int(os.environ.get("ITEMS", "20"))
    repeat = int(os.environ.get("REPEAT", "3"))
    os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_URL)
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    env = environment()
    os.environ.update(env)
    fresh_database(os.environ["DATABASE_URL"])

    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from ownervote.core.bulk import insert_rows
    from ownervote.meetings.models import Item, Meeting
    from ownervote.results.services import counting, results
    from ownervote.voting.models import Ballot, Choice, CountSession, RollFlat

    print(f"== bench-count: {flats} flats x {items_n} items on PostgreSQL")
    t0 = time.perf_counter()
    estate, convener = estate_with_roster(flats, prefix="计票", code="C")
    meeting, _seconds = open_meeting(
        convener,
        estate.pk,
        title="计票基准会议",
        items_n=items_n,
        method="paper",
        opened=dt.timedelta(hours=2),
        closes=-dt.timedelta(hours=1),
    )
    now = timezone.now()
    print(f"  estate imported, meeting opened in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    rng = random.Random(7)
    session = CountSession.objects.create(
        meeting=meeting, caller="甲", counter="乙", scrutineer="丙", opened_by=convener, status="committed"
    )
    roll = list(RollFlat.objects.filter(meeting=meeting).values_list("flat_id", "area", "owner_group"))
    today = timezone.localdate()
    insert_rows(
        Ballot,
        [
            "meeting",
            "flat",
            "channel",
            "count_session",
            "area",
            "owner_group",
            "partial",
            "superseded",
            "dated_on",
            "cast_at",
        ],
        [(meeting.pk, f, "paper", session.pk, a, g, False, False, today, now) for f, a, g in roll],
    )
    ballot_of = dict(Ballot.objects.filter(meeting=meeting).values_list("flat_id", "pk"))
    item_ids = list(Item.objects.filter(meeting=meeting).order_by("position").values_list("pk", flat=True))
    answers = ["yes"] * 6 + ["no"] * 2 + ["abstain"]

    def choices():
        for f, a, g in roll:
            skip = item_ids[rng.randrange(len(item_ids))] if rng.random() < 0.05 else None
            for item in item_ids:
                if item != skip:
                    yield (ballot_of[f], meeting.pk, item, None, rng.choice(answers), a, g, True)

    rows = insert_rows(
        Choice,
        ["ballot", "meeting", "item", "candidate", "answer", "area", "owner_group", "counted"],
        choices(),
    )
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CLOSED)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  {len(roll)} ballots and {rows} choices written in {time.perf_counter() - t0:.1f} s")

    meeting.refresh_from_db()
    table = Choice._meta.db_table
    raw_sql = (
        f"SELECT item_id, answer, SUM(area), COUNT(DISTINCT owner_group) FROM {table} "  # noqa: S608
        "WHERE meeting_id = %s AND counted GROUP BY item_id, answer"
    )

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(raw_sql, [meeting.pk])
            cursor.fetchall()

    raw()  # warm the cache: both timings read the table from memory
    service_s = best(lambda: counting.compute(meeting), repeat)
    raw_s = best(raw, repeat)
    t0 = time.perf_counter()
    result = results.result_generate(actor=convener, meeting_id=meeting.pk)
    generate_s = time.perf_counter() - t0
    ratio = service_s / raw_s if raw_s else float("inf")
    print()
    print(f"  result through the service (counting.compute): {service_s * 1000:8.0f} ms")
    print(f"  raw SQL aggregate over the same rows:          {raw_s * 1000:8.0f} ms")
    print(f"  ratio service / raw: {ratio:.2f}  (target <= 2)  {'OK' if ratio <= 2 else 'MISSED'}")
    print(
        f"  result_generate as a whole (tally, per-flat table of {len(roll)}, Merkle root, frozen content): "
        f"{generate_s:.1f} s, version {result.number}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
