"""Benchmark: a city-sized database - the oversight dashboards and the cast benchmark on it.

    make bench-city                 # ESTATES=5000 FLATS=1000000 MEETINGS=200 REQUESTS=20
    ESTATES=200 FLATS=40000 MEETINGS=10 make bench-city      # a quick run while developing

What it does, all by itself:
1. creates a fresh PostgreSQL database (``BENCH_CITY_DATABASE_URL``, default
   postgres://postgres@127.0.0.1:5432/ownervote_bench_city; it is dropped first) and migrates it;
2. generates a city in bulk (server-side ``INSERT ... SELECT`` and COPY, not the services):
   one city, 10 districts, STREETS streets (70), 10 communities a street, ESTATES estates of uneven
   size (a few above 10,000 flats) holding FLATS flats in buildings, one owner per flat (personal
   data encrypted once per distinct value: a few sealed names, ID numbers and mobiles are reused;
   the keyed ID hash is unique per owner), the ownerships, an approved owners' committee for each
   estate and an approved street office, district bureau and city operator for every division;
   MEETINGS meetings (every estate above 10,000 flats, then estates picked with a weight growing
   with their size) within a budget of CHOICES choice rows (3,000,000): most closed this year,
   some last year, a fifth still voting; each with 3 to 20 items, the frozen roll (``RollFlat``),
   ballots for 40-80 % of the roll (electronic with a receipt, some paper through a committed
   count), one choice per item, the progress counters (``Progress``) summed from those ballots, and
   a current ``Result`` (summary columns) for most closed meetings;
3. the cast benchmark's data (``bench/cast.py`` ``generate``: its own divisions and an estate of
   CAST_FLATS flats, 8000) in the same database; then ``VACUUM ANALYZE``;
4. reports the database size and its biggest tables;
5. starts gunicorn (the production settings, ``bench/settings.py``) on 127.0.0.1:8766, signs in a
   street office, a district bureau and a city operator (a session with a confirmed TOTP device,
   as after the second factor) and times the oversight dashboard ``/console/oversight/`` and its
   API ``/api/results/oversight`` for each: REQUESTS sequential requests after 2 warm-ups a worker;
6. runs the cast benchmark's load (wrk, 16 connections, SECONDS=8) against the real endpoint and
   the baseline, and prints its ratio;
7. prints every figure against its target and stops gunicorn.

Targets (issue 7): each dashboard (page and API) <= 200 ms (p95 here); the cast ratio real /
baseline >= 0.8 as in ``make bench-cast``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import random
import shutil
import statistics
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

import cast  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ownervote_bench_city"
PORT = 8766
TARGET_MS = 200
SEED = 4403
DISTRICTS = [
    ("440304", "福田区", 10),
    ("440303", "罗湖区", 10),
    ("440305", "南山区", 8),
    ("440308", "盐田区", 4),
    ("440306", "宝安区", 10),
    ("440307", "龙岗区", 11),
    ("440309", "龙华区", 6),
    ("440310", "坪山区", 6),
    ("440311", "光明区", 6),
    ("440312", "大鹏新区", 3),
]
ESTATE_WORDS = ["碧海", "金地", "华侨", "海滨", "翠竹", "东方", "星河", "万科", "桃源", "丽景", "锦绣"]
ESTATE_KINDS = ["花园", "小区", "苑", "山庄", "名苑", "家园"]
VOTER_POOL = 2000  # accounts that cast the generated electronic ballots (Submission.user, cast_by)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


# --- the city --------------------------------------------------------------------------------


def estate_sizes(rng: random.Random, estates: int, flats: int) -> list[int]:
    """Uneven sizes summing to ``flats``: a lognormal spread capped at 9,000, plus a few estates
    above 10,000 flats (one per 200,000 flats, at most 5)."""
    big = [10_500 + 1_300 * i for i in range(min(5, flats // 200_000))]
    rest_n, rest_flats = estates - len(big), flats - sum(big)
    if rest_flats < 100 * rest_n or rest_flats > 9_000 * rest_n:
        raise SystemExit(f"FLATS={flats} cannot be spread over ESTATES={estates} (100 to 9,000 flats each)")
    weights = [rng.lognormvariate(0, 1.0) for _ in range(rest_n)]
    scale = rest_flats / sum(weights)
    sizes = [max(20, min(9_000, int(w * scale))) for w in weights]
    # Spread the rounding difference over random estates, keeping each within [20, 9000].
    diff = rest_flats - sum(sizes)
    while diff:
        i = rng.randrange(rest_n)
        step = max(-diff, -(sizes[i] - 20)) if diff < 0 else min(diff, 9_000 - sizes[i])
        step = max(-50, min(50, step))
        sizes[i] += step
        diff -= step
    out = big + sizes
    rng.shuffle(out)
    return out


def generate_city(estates_n: int, flats_n: int, meetings_n: int, choices_budget: int, streets_n: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from ownervote.core import pii
    from ownervote.core.bulk import insert_rows
    from ownervote.meetings.models import Item, Meeting, Topic
    from ownervote.orgs.models import Association, Division, Organisation, User
    from ownervote.results.models import Result
    from ownervote.roster.models import Estate, Owner
    from ownervote.voting.models import CountSession

    rng = random.Random(SEED)
    now = timezone.now()
    tz = dt.timezone(dt.timedelta(hours=8))
    figures: dict = {}
    t_all = time.perf_counter()

    def step(label: str, t0: float) -> None:
        print(f"  {label}: {time.perf_counter() - t0:.1f} s", flush=True)

    def sql(statement: str, params=None) -> int:
        with connection.cursor() as c:
            c.execute(statement, params)
            return c.rowcount

    # Divisions: a handful of hundred rows through the ORM (Division.save computes the path).
    t0 = time.perf_counter()
    system = User.objects.create_user(username="city-system", real_name="城市基准")
    city = Division.objects.create(code="S4403", kind="city", name="深圳市")
    per_district = [d[2] for d in DISTRICTS]
    scale = streets_n / sum(per_district)
    counts = [max(1, round(n * scale)) for n in per_district]
    counts[0] += streets_n - sum(counts)
    districts, streets, communities = [], [], {}
    for (code, name, _), n in zip(DISTRICTS, counts, strict=True):
        district = Division.objects.create(code=f"S{code}", kind="district", name=name, parent=city)
        districts.append(district)
        for s in range(n):
            street = Division.objects.create(
                code=f"S{code}{s + 1:03d}", kind="street", name=f"{name[:2]}第{s + 1}街道", parent=district
            )
            streets.append(street)
            communities[street.pk] = [
                Division.objects.create(
                    code=f"S{code}{s + 1:03d}{c + 1:03d}",
                    kind="community",
                    name=f"{name[:2]}{s + 1}街{c + 1}社区",
                    parent=street,
                ).pk
                for c in range(10)
            ]
    step(f"{1 + len(districts) + len(streets) + len(streets) * 10} divisions", t0)

    # Estates, their buildings and flats.
    t0 = time.perf_counter()
    sizes = estate_sizes(rng, estates_n, flats_n)
    estate_rows = []
    for i in range(estates_n):
        street = streets[rng.randrange(len(streets))] if i >= len(streets) else streets[i]
        name = f"{rng.choice(ESTATE_WORDS)}{rng.choice(ESTATE_KINDS)}{i + 1}期"
        estate_rows.append(
            (
                name,
                f"{street.name}{i + 1}号",
                street.pk,
                rng.choice(communities[street.pk]),
                False,
                False,
                now,
            )
        )
    insert_rows(
        Estate,
        ["name", "address", "street", "community", "parking_counts", "follow_majority", "created_at"],
        estate_rows,
    )
    estate_ids = list(Estate.objects.order_by("pk").values_list("pk", flat=True))
    sql("CREATE TEMP TABLE plan_estate (estate_id int PRIMARY KEY, flats int, per_building int)")
    with connection.cursor() as c, c.cursor.copy("COPY plan_estate FROM STDIN") as copy:
        for pk, n in zip(estate_ids, sizes, strict=True):
            copy.write_row((pk, n, rng.choice([60, 90, 120, 160, 240])))
    sql("SELECT setseed(0.4403)")
    sql(
        "INSERT INTO roster_building (estate_id, name) SELECT p.estate_id, b || '栋' "
        "FROM plan_estate p, generate_series(1, (p.flats + p.per_building - 1) / p.per_building) b"
    )
    # Rooms: floor (from 2) and unit (01-04) within each building; areas 45-180 m².
    sql(
        "INSERT INTO roster_flat (estate_id, building_id, room, area, area_source, use, removed_at) "
        "SELECT p.estate_id, b.id, "
        "((i % p.per_building) / 4 + 2)::text || lpad(((i % p.per_building) % 4 + 1)::text, 2, '0'), "
        "round((45 + random() * 135)::numeric, 2), 'register', 'residential', NULL "
        "FROM plan_estate p CROSS JOIN generate_series(0, p.flats - 1) i "
        "JOIN roster_building b ON b.estate_id = p.estate_id AND b.name = (i / p.per_building + 1) || '栋'"
    )
    step(f"{estates_n} estates, {flats_n} flats", t0)

    # Owners: one a flat, id = the flat's id (the sequence is moved on afterwards). A few sealed
    # values are reused; the keyed ID hash differs for every owner (unique in the estate).
    t0 = time.perf_counter()
    sealed = []
    for k in range(16):
        o = Owner()
        pii.seal(o, "name", f"{'王李张刘陈杨黄赵'[k % 8]}{'伟芳敏静'[k % 4]}")
        pii.seal(o, "id_number", "44030419800101001X" if k % 2 else "440304199002020028")
        pii.seal(o, "mobile", f"1380013{k:04d}")
        sealed.append(o)
    sql(
        "CREATE TEMP TABLE sealed (k int, name_enc text, name_masked text, name_hash text, "
        "id_enc text, id_masked text, mobile_enc text, mobile_masked text, mobile_hash text)"
    )
    with connection.cursor() as c, c.cursor.copy("COPY sealed FROM STDIN") as copy:
        for k, o in enumerate(sealed):
            copy.write_row(
                (
                    k,
                    o.name_enc,
                    o.name_masked,
                    o.name_hash,
                    o.id_number_enc,
                    o.id_number_masked,
                    o.mobile_enc,
                    o.mobile_masked,
                    o.mobile_hash,
                )
            )
    sql(
        "INSERT INTO roster_owner (id, estate_id, kind, name_enc, name_masked, name_hash, id_number_enc, "
        "id_number_masked, id_number_hash, mobile_enc, mobile_masked, mobile_hash, created_at) "
        "SELECT f.id, f.estate_id, 'person', s.name_enc, s.name_masked, s.name_hash, s.id_enc, s.id_masked, "
        "md5('id' || f.id) || md5('no' || f.id), s.mobile_enc, s.mobile_masked, s.mobile_hash, now() "
        "FROM roster_flat f JOIN sealed s ON s.k = f.id % 16"
    )
    sql("SELECT setval(pg_get_serial_sequence('roster_owner', 'id'), (SELECT max(id) FROM roster_owner))")
    sql(
        "INSERT INTO roster_ownership (flat_id, owner_id, share, valid_from, ended_at, end_reason) "
        "SELECT id, id, '', DATE '2015-01-01' + (id % 3000)::int, NULL, '' FROM roster_flat"
    )
    step(f"{flats_n} owners and ownerships, 16 sealed values reused", t0)

    # Organisations: a convener for every estate, a supervisor for every division.
    t0 = time.perf_counter()
    insert_rows(
        Organisation,
        ["kind", "name", "credit_code", "created_at"],
        [("owners_committee", f"业委会{pk}", "", now) for pk in estate_ids],
    )
    committees = dict(
        Organisation.objects.filter(kind="owners_committee", name__startswith="业委会").values_list(
            "name", "pk"
        )
    )
    supervisors = [(city, "city_operator", "市住房和建设局")]
    supervisors += [(d, "district_bureau", f"{d.name}住房和建设局") for d in districts]
    supervisors += [(s, "street_office", f"{s.name}办事处") for s in streets]
    orgs = Organisation.objects.bulk_create(
        [Organisation(kind=kind, name=name) for _, kind, name in supervisors]
    )
    org_of_division = {d.pk: o for (d, _, _), o in zip(supervisors, orgs, strict=True)}
    insert_rows(
        Association,
        [
            *("organisation", "division", "estate", "status", "note", "reason"),
            *("applied_by", "applied_at", "decided_by", "decided_at"),
        ],
        [
            (committees[f"业委会{pk}"], None, pk, "approved", "", "", system.pk, now, system.pk, now)
            for pk in estate_ids
        ]
        + [
            (o.pk, d, None, "approved", "", "", system.pk, now, system.pk, now)
            for d, o in org_of_division.items()
        ],
    )
    voters = User.objects.bulk_create(
        [User(username=f"city-voter-{i}", password="!") for i in range(VOTER_POOL)]  # noqa: S106 - unusable
    )
    step("organisations, associations, voter accounts", t0)

    # Meetings: every estate above 10,000 flats (at least the largest), then estates picked with a
    # weight growing with their size, within the budget of choice rows (a flat of the roll costs
    # about 0.6 x 12.5 items).
    t0 = time.perf_counter()
    by_size = sorted(zip(estate_ids, sizes, strict=True), key=lambda e: -e[1])
    n_big = max(1, min(meetings_n, sum(1 for s in sizes if s > 10_000)))
    picked, pool = by_size[:n_big], by_size[n_big:]
    per_flat = 0.6 * 12.5
    budget = choices_budget - sum(s for _, s in picked) * per_flat
    while len(picked) < meetings_n and pool:
        i = rng.choices(range(len(pool)), weights=[s**1.5 for _, s in pool])[0]
        estate_id, size = pool.pop(i)
        if size * per_flat <= budget or len(pool) < meetings_n - len(picked):
            picked.append((estate_id, size))
            budget -= size * per_flat
    this_year = timezone.localdate(now, tz).year
    year_start = dt.datetime(this_year, 1, 1, tzinfo=tz)
    meetings, plan = [], []
    for n, (estate_id, _size) in enumerate(picked):
        r = rng.random()
        if r < 0.2:  # still voting
            closes = now + dt.timedelta(days=rng.uniform(1, 10))
            opens = now - dt.timedelta(days=rng.uniform(1, 6))
            status, result = Meeting.Status.VOTING, False
        elif r < 0.3:  # closed last year, with a result
            closes = year_start - dt.timedelta(days=rng.uniform(1, 300))
            opens = closes - dt.timedelta(days=rng.uniform(3, 14))
            status, result = Meeting.Status.CLOSED, True
        else:  # closed this year; one in seven still has no result
            span = (now - dt.timedelta(days=2) - year_start).total_seconds()
            closes = year_start + dt.timedelta(seconds=rng.uniform(0, max(span, 3600)))
            opens = closes - dt.timedelta(days=rng.uniform(3, 14))
            status, result = Meeting.Status.CLOSED, rng.random() > 1 / 7
        items = rng.choice([3, 5, 8, 10, 12, 15, 20, 20, 20])
        paper = rng.choice([0.0, 0.0, 0.1, 0.25])
        meetings.append(
            Meeting(
                estate_id=estate_id,
                convener_id=committees[f"业委会{estate_id}"],
                kind=rng.choice(["regular", "regular", "temporary"]),
                title=f"{this_year if closes >= year_start else this_year - 1}年第{n % 3 + 1}次业主大会会议",
                place="会所",
                method="mixed" if paper else "electronic",
                starts_at=opens,
                voting_opens_at=opens,
                voting_closes_at=closes,
                status=status,
                submitted_at=opens - dt.timedelta(days=20),
                entered_on=(opens - dt.timedelta(days=20)).date(),
                voting_opened_at=opens,
                created_by=system,
            )
        )
        plan.append({"items": items, "paper": paper, "turnout": rng.uniform(0.4, 0.8), "result": result})
    Meeting.objects.bulk_create(meetings)
    topics = Topic.objects.bulk_create([Topic(meeting=m, position=1, title="议题") for m in meetings])
    Item.objects.bulk_create(
        [
            Item(
                meeting=m,
                topic=t,
                position=i + 1,
                title=f"事项{i + 1}",
                kind="question",
                category=rng.randint(1, 9),
            )
            for m, t, p in zip(meetings, topics, plan, strict=True)
            for i in range(p["items"])
        ]
    )
    sessions = CountSession.objects.bulk_create(
        [
            CountSession(
                meeting=m, caller="甲", counter="乙", scrutineer="丙", opened_by=system, status="committed"
            )
            for m, p in zip(meetings, plan, strict=True)
            if p["paper"]
        ]
    )
    session_of = {s.meeting_id: s.pk for s in sessions}
    sql(
        "CREATE TEMP TABLE plan_meeting (meeting_id int PRIMARY KEY, turnout float8, paper float8, "
        "opens timestamptz, until timestamptz, session_id int, result bool)"
    )
    with connection.cursor() as c, c.cursor.copy("COPY plan_meeting FROM STDIN") as copy:
        for m, p in zip(meetings, plan, strict=True):
            until = min(m.voting_closes_at, now)
            copy.write_row(
                (m.pk, p["turnout"], p["paper"], m.voting_opens_at, until, session_of.get(m.pk), p["result"])
            )
    step(f"{len(meetings)} meetings, {sum(p['items'] for p in plan)} items", t0)

    # The roll, the ballots (receipts for electronic ones), the choices.
    t0 = time.perf_counter()
    with transaction.atomic():
        roll = sql(
            "INSERT INTO voting_rollflat (meeting_id, flat_id, building_id, area, owner_group) "
            "SELECT m.id, f.id, f.building_id, f.area, 'owners:' || md5('o' || o.owner_id) "
            "FROM meetings_meeting m JOIN plan_meeting p ON p.meeting_id = m.id "
            "JOIN roster_flat f ON f.estate_id = m.estate_id "
            "JOIN roster_ownership o ON o.flat_id = f.id AND o.ended_at IS NULL"
        )
        sql(
            "CREATE TEMP TABLE voted AS SELECT r.meeting_id, r.flat_id, r.area, r.owner_group, "
            "CASE WHEN random() < p.paper THEN 'paper' ELSE 'electronic' END AS channel, "
            "p.opens + random() * (p.until - p.opens) AS cast_at, p.session_id "
            # random() drawn per roll row in a subquery: in the WHERE clause the planner would push
            # it down to plan_meeting and keep or drop whole meetings.
            "FROM (SELECT *, random() AS draw FROM voting_rollflat) r JOIN plan_meeting p USING (meeting_id) "
            "WHERE r.draw < p.turnout"
        )
        first_voter = voters[0].pk
        sql(
            "INSERT INTO voting_submission (meeting_id, code, salt, digest, user_id, proxy_id, cast_at, "
            "device_hash) "
            "SELECT meeting_id, substr(md5(meeting_id || ':' || flat_id), 1, 16), "
            "substr(md5('s' || flat_id), 1, 32), "
            "md5('d' || meeting_id || ':' || flat_id) || md5('e' || flat_id), %s + flat_id %% %s, NULL, "
            "cast_at, '' "
            "FROM voted WHERE channel = 'electronic'",
            [first_voter, VOTER_POOL],
        )
        ballots = sql(
            "INSERT INTO voting_ballot (meeting_id, flat_id, channel, submission_id, count_session_id, "
            "binding_id, cast_by_id, proxy_id, area, owner_group, partial, superseded, dated_on, cast_at) "
            "SELECT v.meeting_id, v.flat_id, v.channel, s.id, "
            "CASE WHEN v.channel = 'paper' THEN v.session_id END, NULL, s.user_id, NULL, v.area, "
            "v.owner_group, false, false, "
            "CASE WHEN v.channel = 'paper' THEN (v.cast_at AT TIME ZONE 'Asia/Shanghai')::date END, "
            "v.cast_at FROM voted v LEFT JOIN voting_submission s "
            "ON v.channel = 'electronic' AND s.code = substr(md5(v.meeting_id || ':' || v.flat_id), 1, 16)"
        )
        step(f"roll of {roll} flats, {ballots} ballots", t0)
        t0 = time.perf_counter()
        # Each item leans its own way: between 45 % and 85 % yes.
        choices = sql(
            "INSERT INTO voting_choice (ballot_id, meeting_id, item_id, candidate_id, answer, area, "
            "owner_group, counted) "
            "SELECT x.ballot_id, x.meeting_id, x.item_id, NULL, "
            "CASE WHEN x.r < x.yes THEN 'yes' WHEN x.r < x.yes + (1 - x.yes) * 0.7 THEN 'no' "
            "ELSE 'abstain' END, x.area, x.owner_group, true FROM ("
            "  SELECT b.id AS ballot_id, b.meeting_id, i.id AS item_id, b.area, b.owner_group, "
            "  random() AS r, "
            "  0.45 + (i.position % 5) * 0.1 AS yes "
            "  FROM voting_ballot b JOIN meetings_item i ON i.meeting_id = b.meeting_id) x"
        )
        step(f"{choices} choices", t0)
        t0 = time.perf_counter()
        sql(
            "INSERT INTO voting_progress (meeting_id, building_id, flats_total, area_total, owners_total, "
            "flats_voted, area_voted, owners_voted, electronic, paper, updated_at) "
            "SELECT r.meeting_id, r.building_id, count(*), sum(r.area), count(DISTINCT r.owner_group), "
            "count(b.id), coalesce(sum(b.area), 0), count(DISTINCT b.owner_group), "
            "count(b.id) FILTER (WHERE b.channel = 'electronic'), "
            "count(b.id) FILTER (WHERE b.channel = 'paper'), "
            "now() FROM voting_rollflat r LEFT JOIN voting_ballot b "
            "ON b.meeting_id = r.meeting_id AND b.flat_id = r.flat_id AND NOT b.superseded "
            "GROUP BY GROUPING SETS ((r.meeting_id, r.building_id), (r.meeting_id))"
        )
        step("progress counters", t0)

    # Results: the summary columns, from the same rows (quorum: two thirds of area and owners;
    # an item passes with more than half of the voting area and owners saying yes).
    t0 = time.perf_counter()
    with connection.cursor() as c:
        c.execute(
            "SELECT p.meeting_id, t.area_total, t.owners_total, t.area_voted, t.owners_voted "
            "FROM plan_meeting p JOIN voting_progress t "
            "ON t.meeting_id = p.meeting_id AND t.building_id IS NULL "
            "WHERE p.result"
        )
        summary = {row[0]: row[1:] for row in c.fetchall()}
        c.execute(
            "SELECT c.meeting_id, c.item_id, sum(c.area) FILTER (WHERE answer = 'yes'), "
            "count(DISTINCT c.owner_group) FILTER (WHERE answer = 'yes') "
            "FROM voting_choice c JOIN plan_meeting p ON p.meeting_id = c.meeting_id AND p.result "
            "WHERE c.counted GROUP BY c.meeting_id, c.item_id"
        )
        yes = {}
        for meeting_id, _item, area, owners in c.fetchall():
            yes.setdefault(meeting_id, []).append((area or 0, owners or 0))
    result_rows = []
    by_pk = {m.pk: m for m in meetings}
    for meeting_id, (total_area, total_owners, voted_area, voted_owners) in summary.items():
        m = by_pk[meeting_id]
        quorum = voted_area * 3 >= total_area * 2 and voted_owners * 3 >= total_owners * 2
        n_items = next(p["items"] for mm, p in zip(meetings, plan, strict=True) if mm.pk == meeting_id)
        passed = sum(1 for a, o in yes.get(meeting_id, []) if a * 2 > voted_area and o * 2 > voted_owners)
        at = m.voting_closes_at + dt.timedelta(hours=2)
        result_rows.append(
            (meeting_id, 1, "", '{"bench": "city"}', f"{meeting_id:064x}", "0" * 64, False)
            + (timezone.localdate(at, tz), system.pk, at, None, None, None, None)
            + (total_area, total_owners, voted_area, voted_owners)
            + ((passed, n_items - passed, 0) if quorum else (0, 0, n_items))
            + ("", "", False)
        )
    insert_rows(
        Result,
        [
            *("meeting", "number", "reason", "content", "digest", "merkle_root", "follow_majority"),
            *("resolved_on", "generated_by", "generated_at", "superseded_at", "submitted_by"),
            *("submitted_at", "guidance_ends_on", "total_area", "total_owners", "voted_area"),
            *("voted_owners", "items_passed", "items_failed", "items_no_quorum"),
            *("result_scan_sha256", "flats_scan_sha256", "submitted_before_scans"),
        ],
        result_rows,
    )
    step(f"{len(result_rows)} results", t0)
    figures.update(
        estates=estates_n,
        flats=flats_n,
        largest=max(sizes),
        over_10000=sum(1 for s in sizes if s > 10_000),
        meetings=len(meetings),
        voting=sum(1 for m in meetings if m.status == Meeting.Status.VOTING),
        results=len(result_rows),
        roll=roll,
        ballots=ballots,
        choices=choices,
        generate_s=time.perf_counter() - t_all,
    )
    # The street with the most meetings of this year, its district, the city: whose dashboards we time.
    with connection.cursor() as c:
        c.execute(
            "SELECT e.street_id FROM meetings_meeting m JOIN plan_meeting p ON p.meeting_id = m.id "
            "JOIN roster_estate e ON e.id = m.estate_id WHERE m.voting_closes_at >= %s "
            "GROUP BY e.street_id ORDER BY count(*) DESC, e.street_id LIMIT 1",
            [year_start],
        )
        street_id = c.fetchone()[0]
    street = Division.objects.get(pk=street_id)
    figures["scopes"] = {
        "street": (street, org_of_division[street.pk]),
        "district": (street.parent, org_of_division[street.parent_id]),
        "city": (city, org_of_division[city.pk]),
    }
    return figures


# --- signed-in staff -----------------------------------------------------------------------------


def staff_sessions(scopes: dict) -> dict[str, str]:
    """A member of each supervising organisation, signed in with the second factor passed (a
    confirmed TOTP device named in the session, as django-otp records after the check)."""
    import secrets

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ownervote.orgs.models import Membership, User

    keys = {}
    store = SessionStore()
    for level, (_division, org) in scopes.items():
        user = User.objects.create_user(username=f"city-{level}", real_name=f"{level}基准")
        Membership.objects.create(user=user, organisation=org, role="member")
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            DEVICE_ID_SESSION_KEY: device.persistent_id,
        }
        key = secrets.token_hex(16)
        Session.objects.create(
            session_key=key,
            session_data=store.encode(data),
            expire_date=timezone.now() + dt.timedelta(days=1),
        )
        keys[level] = key
    return keys


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to the sign-in or 2FA page) is a failure here, not followed


def time_get(path: str, session_key: str, n: int, warm: int) -> dict:
    opener = urllib.request.build_opener(NoRedirect)
    times, size = [], 0
    for i in range(warm + n):
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}{path}",
            headers={"Cookie": f"sessionid={session_key}", "X-Forwarded-Proto": "https"},
        )
        t0 = time.perf_counter()
        try:
            with opener.open(request, timeout=30) as r:
                body = r.read()
                status = r.status
        except urllib.error.HTTPError as exc:
            raise SystemExit(f"GET {path}: HTTP {exc.code} {exc.headers.get('Location', '')}") from exc
        elapsed = (time.perf_counter() - t0) * 1000
        if status != 200:
            raise SystemExit(f"GET {path}: HTTP {status}")
        size = len(body)
        last = body
        if i >= warm:
            times.append(elapsed)
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)],
        "max": times[-1],
        "bytes": size,
        "body": last,
    }


# --- database size -------------------------------------------------------------------------------


def database_size() -> tuple[int, list[tuple[str, int, int]]]:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT pg_database_size(current_database())")
        total = c.fetchone()[0]
        c.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid), c.reltuples::bigint FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 2 DESC LIMIT 10"
        )
        tables = c.fetchall()
    return total, tables


def static_stale(root: Path) -> bool:
    """Whether the collected static files are missing or older than a source static file."""
    manifest = root / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(f.stat().st_mtime > built for f in (ROOT / "src").glob("**/static/**/*") if f.is_file())


def mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MB"


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    estates_n = env_int("ESTATES", 5000)
    flats_n = env_int("FLATS", 1_000_000)
    meetings_n = env_int("MEETINGS", 200)
    choices_budget = env_int("CHOICES", 3_000_000)
    streets_n = env_int("STREETS", 70)
    requests_n = env_int("REQUESTS", 20)
    cast_flats = env_int("CAST_FLATS", 8000)
    seconds = env_int("SECONDS", 15)
    workers = env_int("WORKERS", cast.DEFAULT_WORKERS)
    threads = env_int("THREADS", 1)
    cast.VAR.mkdir(parents=True, exist_ok=True)
    env = cast.environment()
    env["DATABASE_URL"] = os.environ.get("BENCH_CITY_DATABASE_URL", DEFAULT_URL)
    # The production settings serve hashed static files from a manifest: collected here, apart.
    env["OWNERVOTE_STATIC_ROOT"] = str(cast.VAR / "static-city")
    os.environ.update(env)
    print(
        f"city benchmark: {estates_n} estates, {flats_n} flats, {meetings_n} meetings, PostgreSQL "
        f"({env['DATABASE_URL'].rsplit('/', 1)[1]}), "
        f"gunicorn {cast.WORKER_CLASS} {workers}x{threads} on :{PORT}"
    )
    cast.fresh_database(env["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    if static_stale(Path(env["OWNERVOTE_STATIC_ROOT"])):  # compressing every file takes a minute or two
        call_command("collectstatic", interactive=False, verbosity=0)
    print(f"  migrate, collectstatic: {time.perf_counter() - t0:.1f} s", flush=True)
    city = generate_city(estates_n, flats_n, meetings_n, choices_budget, streets_n)
    print(f"city generated in {city['generate_s']:.0f} s", flush=True)
    keys = staff_sessions(city["scopes"])

    print("cast benchmark data:", flush=True)
    plan = cast.generate(cast_flats, [16])
    t0 = time.perf_counter()
    connection.close()
    import psycopg

    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    vacuum_s = time.perf_counter() - t0
    print(f"  VACUUM ANALYZE: {vacuum_s:.0f} s", flush=True)
    total, tables = database_size()

    server = cast.start_server(env, workers, threads, port=PORT, log_name="gunicorn-city.log")
    dashboards = {}
    try:
        for level in ("street", "district", "city"):
            for kind, path in (("page", "/console/oversight/"), ("API", "/api/results/oversight")):
                # Warm-ups: 2 a worker, so that no worker meets its first request while timed.
                dashboards[(level, kind)] = time_get(path, keys[level], requests_n, warm=2 * workers)
                d = dashboards[(level, kind)]
                print(f"  {level:8} {kind:4}: p50 {d['p50']:.0f} ms, p95 {d['p95']:.0f} ms", flush=True)
        run = plan["runs"][0]
        conns = run["connections"]
        cast.warm_up(plan, conns=conns, seconds=cast.WARMUP, port=PORT)
        real, base, cast_ballots, twice, _open_loop = cast.measure(plan, run, seconds, port=PORT)
    finally:
        cast.stop_server(server)

    ratio = real["rate"] / base["rate"] if base["rate"] else 0.0
    print()
    print(
        f"city: {city['estates']} estates ({city['over_10000']} above 10,000 flats, the largest "
        f"{city['largest']}), {city['flats']} flats; {city['meetings']} meetings ({city['voting']} voting, "
        f"{city['results']} with a result): roll {city['roll']} flats, {city['ballots']} ballots, "
        f"{city['choices']} choices; generated in {city['generate_s']:.0f} s, VACUUM ANALYZE {vacuum_s:.0f} s"
    )
    print(f"database size: {mb(total)}; biggest tables (with indexes):")
    for name, size, rows in tables:
        print(f"  {name:32} {mb(size):>10} {rows:>12,} rows")
    scopes = city["scopes"]
    print()
    print(f"{'figure':44} {'p50':>7} {'p95':>7} {'max':>7} {'bytes':>8}  target")
    for (level, kind), d in dashboards.items():
        division = scopes[level][0]
        if kind == "API":  # what the dashboard showed: the figures are not empty
            board = json.loads(d["body"])
            t = board["totals"]
            print(
                f"  {level} {division.name}: {len(board['breakdown'])} {board['breakdown_kind']} rows, "
                f"{t['meetings_held']} meetings held, {t['meetings_with_result']} with a result, "
                f"turnout {t['area_percent']} % by area, {t['owners_percent']} % by owners"
            )
        label = f"{level} dashboard {kind} ({division.name})"
        ok = "OK" if d["p95"] <= TARGET_MS else "MISSED"
        print(
            f"{label:44} {d['p50']:>7.0f} {d['p95']:>7.0f} {d['max']:>7.0f} {d['bytes']:>8}  "
            f"<= {TARGET_MS} ms {ok}"
        )
    print()
    print(
        f"cast at {conns} connections: real {real['rate']:.0f}/s (p50 {real['p50']:.1f} ms, p99 "
        f"{real['p99']:.1f} ms, {real['errors']} errors), "
        f"baseline {base['rate']:.0f}/s (p99 {base['p99']:.1f} ms)"
    )
    print(
        f"cast ratio real/baseline: {ratio:.2f}  (target >= 0.8) {'OK' if ratio >= 0.8 else 'MISSED'}; "
        f"p99 {real['p99']:.1f} ms (target <= 100) {'OK' if real['p99'] <= 100 else 'MISSED'}; "
        f"ballots {cast_ballots}, twice {twice} (target 0)"
    )
    if real["statuses"]:
        print(f"  statuses: {real['statuses']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
