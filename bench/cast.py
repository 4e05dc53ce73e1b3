"""Benchmark: electronic ballots cast through the real endpoint on PostgreSQL, against a baseline.

    make bench-cast   # FLATS=8000 SECONDS=15 ROUNDS=4 CONNECTIONS="16 64" WORKERS THREADS WARMUP=10

What it does, all by itself:
1. creates a fresh PostgreSQL database (``BENCH_DATABASE_URL``, default
   postgres://postgres@127.0.0.1:5432/ownervote_bench_cast; it is dropped first) and migrates it;
2. generates an estate of FLATS flats through the real roster import, one verified owner bound to
   each flat (a month before the meetings), and for every run two meetings of 20 yes/no items
   whose voting is open: one for the real endpoint, one for the baseline; then VACUUM ANALYZE and
   CHECKPOINT, as a database whose roll was frozen days before;
3. signs every owner in (a Django session each) and writes the requests for wrk;
4. starts gunicorn (gthread, the production settings plus the baseline URL, ``bench/settings.py``)
   on 127.0.0.1, and for each connection count runs wrk (``bench/cast.lua``) against
   ``POST /api/voting/meetings/{id}/ballots`` (session, CSRF, eligibility, receipt, audit, outbox,
   counters: every check on) and against the baseline view (``bench/urls.py``), about SECONDS each in
   ROUNDS (4) alternating rounds (``closed_loop``), then the open loop;
5. prints ballots/s, p50 / p99 latency, errors, the ratio real / baseline, and checks that the
   database holds exactly one ballot per flat that was accepted (and no flat twice);
6. stops gunicorn.

Each owner casts once per meeting, so a run ends when SECONDS have passed or every owner of the
meeting has voted, whichever comes first.
Targets (issue 7): ratio >= 0.8, p99 <= 100 ms at 16 connections, zero errors, one ballot per flat.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import openloop  # bench/, on the path as this script's directory (and for bench/city*.py)

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
ITEMS = 20
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DEFAULT_WORKERS = 8 * (os.cpu_count() or 2)
WORKER_CLASS = os.environ.get("WORKER_CLASS", "sync")  # see the note in main()
ROUNDS = int(os.environ.get("ROUNDS", "4"))  # closed loop: SECONDS a side in this many alternating rounds
WARMUP = int(os.environ.get("WARMUP", "10"))  # seconds of casting first, on meetings of their own (warm_up)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ownervote_bench_cast"
PROFILE = int(os.environ.get("PROFILE", "30"))  # casts profiled in-process after the runs (0: none)


def environment() -> dict[str, str]:
    env = dict(os.environ)
    VAR.mkdir(parents=True, exist_ok=True)
    keys = VAR / "keys.json"
    if keys.exists():
        saved = json.loads(keys.read_text())
    else:
        saved = {
            "OWNERVOTE_SECRET_KEY": secrets.token_urlsafe(50),
            "OWNERVOTE_ENCRYPTION_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
            "OWNERVOTE_LOOKUP_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        }
        keys.write_text(json.dumps(saved))
    env.update(saved)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
            "OWNERVOTE_ALLOWED_HOSTS": "127.0.0.1",
            "OWNERVOTE_VAR": str(VAR),
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        }
    )
    return env


def fresh_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def settle(url: str) -> None:
    """After the setup, the database as a running estate's would be on the last evening of a vote
    (its roll frozen days before): vacuumed, analysed and checkpointed, so that neither autovacuum
    nor the checkpoint of the setup's rows lands in a measured run. This alone did not spare the
    first run its penalty (the longer warm-up does: ``warm_up``)."""
    import psycopg
    from django.db import connection

    t0 = time.perf_counter()
    connection.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")
    print(f"  VACUUM ANALYZE and CHECKPOINT in {time.perf_counter() - t0:.1f} s")


def check_keys_format() -> None:
    """The encryption key format is the project's own: ask it, so a change there fails loudly here."""
    from ownervote.core import crypto

    crypto.encrypt_text("check")


# --- data ---------------------------------------------------------------------------------------


def generate(flats: int, runs: list[int]) -> dict:
    """The estate, its owners and their sessions, and two open meetings per run. Returns what the
    load generator needs."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from ownervote.orgs.sessions import SEEN_KEY

    call_command("migrate", verbosity=0)
    check_keys_format()
    sys.path.insert(0, str(ROOT / "bench"))
    import common
    from common import estate_with_roster

    from ownervote.bindings.models import Binding
    from ownervote.core import pii
    from ownervote.meetings.models import Item
    from ownervote.orgs.models import User
    from ownervote.roster.models import Flat, Owner
    from ownervote.verification.models import Method, Verification, VerifiedIdentity

    t0 = time.perf_counter()
    estate, convener = estate_with_roster(flats, prefix="基准", code="B")
    print(f"  roster of {flats} flats imported and confirmed in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    month_ago = timezone.now() - dt.timedelta(days=30)
    owners = {o.pk: o for o in Owner.objects.filter(estate=estate)}
    pairs = list(Flat.objects.filter(estate=estate).values_list("pk", "ownerships__owner_id").order_by("pk"))
    with transaction.atomic():
        users = []
        for i in range(len(pairs)):
            user = User(username=f"bench-owner-{i}")
            pii.seal(user, "mobile", f"13{i:09d}"[:11])
            user.set_unusable_password()
            users.append(user)
        User.objects.bulk_create(users, batch_size=2000)
        verifications, identities = [], []
        for user, (_flat_id, owner_id) in zip(users, pairs, strict=True):
            v = Verification(user=user, method=Method.SELF_SERVICE, status="passed", finished_at=month_ago)
            v.name_enc, v.name_masked = owners[owner_id].name_enc, owners[owner_id].name_masked
            v.name_hash = owners[owner_id].name_hash
            v.id_number_enc = owners[owner_id].id_number_enc
            v.id_number_masked = owners[owner_id].id_number_masked
            v.id_number_hash = owners[owner_id].id_number_hash
            verifications.append(v)
        Verification.objects.bulk_create(verifications, batch_size=2000)
        for user, v, (_flat_id, owner_id) in zip(users, verifications, pairs, strict=True):
            identity = VerifiedIdentity(
                user=user, method=Method.ON_SITE, verification=v, verified_at=month_ago
            )
            identity.name_enc, identity.name_masked = owners[owner_id].name_enc, owners[owner_id].name_masked
            identity.name_hash = owners[owner_id].name_hash
            identity.id_number_enc = owners[owner_id].id_number_enc
            identity.id_number_masked = owners[owner_id].id_number_masked
            identity.id_number_hash = owners[owner_id].id_number_hash
            identities.append(identity)
        VerifiedIdentity.objects.bulk_create(identities, batch_size=2000)
        Binding.objects.bulk_create(
            [
                Binding(user=user, estate=estate, flat_id=flat_id, owner_id=owner_id, verification=v)
                for user, v, (flat_id, owner_id) in zip(users, verifications, pairs, strict=True)
            ],
            batch_size=2000,
        )
        Binding.objects.filter(estate=estate).update(bound_at=month_ago)
    print(f"  {len(users)} owners verified and bound in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    expire = timezone.now() + dt.timedelta(days=1)
    store = SessionStore()
    sessions, keys = [], []
    for user in users:
        key = secrets.token_hex(16)
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend"}
        data[HASH_SESSION_KEY] = user.get_session_auth_hash()
        data[SEEN_KEY] = int(time.time())  # as the sign-in sets it (orgs.sessions.on_sign_in)
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        keys.append(key)
    Session.objects.bulk_create(sessions, batch_size=2000)
    print(f"  {len(keys)} sessions in {time.perf_counter() - t0:.1f} s")

    def open_meeting(title: str) -> tuple[int, list[int]]:
        meeting, _seconds = common.open_meeting(
            convener, estate.pk, title=title, items_n=ITEMS, method="electronic"
        )
        items = list(Item.objects.filter(meeting=meeting).order_by("position").values_list("pk", flat=True))
        return meeting.pk, items

    t0 = time.perf_counter()
    plan = {"keys": keys, "flats": [p[0] for p in pairs], "users": [u.pk for u in users], "runs": []}
    for conns in runs:
        real, real_items = open_meeting(f"基准会议（{conns}连接）")
        base, base_items = open_meeting(f"基准对照（{conns}连接）")
        opened, open_items = open_meeting(f"基准开环（{conns}连接）")
        plan["runs"].append(
            {
                "connections": conns,
                "real": [real, real_items],
                "baseline": [base, base_items],
                "open": [opened, open_items],
            }
        )
    plan["profile"] = list(open_meeting("基准剖析"))
    warm, warm_items = open_meeting("基准预热")
    warm_base, warm_base_items = open_meeting("基准预热对照")
    plan["warmup"] = {"real": [warm, warm_items], "baseline": [warm_base, warm_base_items]}
    print(f"  {3 * len(runs) + 3} meetings of {ITEMS} items opened in {time.perf_counter() - t0:.1f} s")
    return plan


def requests_file(
    plan: dict, meeting_id: int, items: list[int], *, baseline: bool, seed: int, skip: frozenset = frozenset()
) -> Path:
    """One line per owner, in a random order: path, session key, body. ``skip``: flats whose lines
    are left out (voted in an earlier round); the order and the answers of the others stay."""
    rng = random.Random(seed)
    order = list(range(len(plan["keys"])))
    rng.shuffle(order)
    out = VAR / f"requests-{meeting_id}.txt"
    with out.open("w") as f:
        for i in order:
            answers = {str(item): rng.choice(("yes", "no", "abstain")) for item in items}
            if plan["flats"][i] in skip:
                continue
            body = json.dumps({"flat_ids": [plan["flats"][i]], "answers": answers}, separators=(",", ":"))
            if baseline:
                path = f"/bench/baseline/{meeting_id}/{plan['users'][i]}"
            else:
                path = f"/api/voting/meetings/{meeting_id}/ballots"
            f.write(f"{path}\t{plan['keys'][i]}\t{body}\n")
    return out


# --- the server and the load ------------------------------------------------------------------


def start_server(
    env: dict, workers: int, threads: int, *, port: int = PORT, log_name: str = "gunicorn.log"
) -> subprocess.Popen:
    """gunicorn (gthread) with the benchmark's settings on 127.0.0.1:port, once /healthz answers."""
    log = (VAR / log_name).open("w")
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn with fixed arguments
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "ownervote.wsgi",
            "--worker-class",
            WORKER_CLASS,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            # A worker that takes longer than gunicorn's 30 s to boot on a loaded machine is killed
            # and the server never answers: give it longer (a request never comes near this).
            "--timeout",
            "120",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    wait_until_booted(server, workers)
                    return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"gunicorn did not start: see {VAR / log_name}")


def _stat(path: Path) -> tuple[int, float]:
    """(process group, CPU seconds so far: user + system) of a process, from its /proc/<pid>/stat
    (Linux; the fields after the command's closing parenthesis)."""
    fields = path.read_text().rsplit(")", 1)[1].split()
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _group_cpu(pgid: int) -> tuple[int, float]:
    """(processes, CPU seconds so far) of the processes in a process group."""
    count, seconds = 0, 0.0
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            group, cpu = _stat(path)
        except OSError:  # gone meanwhile
            continue
        if group == pgid:
            count += 1
            seconds += cpu
    return count, seconds


def wait_until_booted(server: subprocess.Popen, workers: int) -> None:
    """/healthz answers once the first worker has booted, while the others may still be importing
    Django: wait until every worker is there and the group is idle, so that no boot lands in the
    first measured run, the real cast's, and not in the baseline's after it. (On the benchmark
    machine they were idle 0.5-1 s after /healthz: the first run's penalty was not this.)"""
    t0 = time.perf_counter()
    _, before = _group_cpu(server.pid)
    while time.perf_counter() - t0 < 120:
        time.sleep(0.5)
        count, now = _group_cpu(server.pid)
        if count >= workers + 1 and now - before < 0.05:  # the arbiter and its workers, idle
            print(f"  {count - 1} workers booted, idle after {time.perf_counter() - t0:.1f} s")
            return
        before = now
    print(f"  !! gunicorn still busy after {time.perf_counter() - t0:.0f} s; measuring anyway")


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def wrk(requests: Path, connections: int, seconds: int, *, port: int = PORT) -> dict:
    out = subprocess.run(  # noqa: S603 - wrk with fixed arguments
        [  # noqa: S607 - wrk from the system's packages
            "wrk",
            "--threads",
            "2",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "--script",
            str(ROOT / "bench" / "cast.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            str(requests),
            str(port),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(out[out.index("BENCH ") + 6 :].splitlines()[0])

    def ms(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    figures.update(p50=ms("50"), p99=ms("99"))
    return figures


def warm_up(plan: dict, *, conns: int, seconds: int, port: int = PORT) -> None:
    """Casts on a meeting of their own, real and baseline, before anything is measured: every
    gunicorn worker has loaded its code, opened its database connection and filled its caches
    (the first request of a worker costs a second or more, which would otherwise land in the
    first run's p99 and not in the baseline's, measured second). Ten seconds by default: after
    three, the first measured run still paid for the start (FLATS=8000, five runs of 16
    connections in a row: ratio 0.50 first, then 0.77, 0.71, 0.74, 0.67; its WAL held 0.9
    full-page images a cast against none later)."""
    real_id, real_items = plan["warmup"]["real"]
    base_id, base_items = plan["warmup"]["baseline"]
    wrk(requests_file(plan, real_id, real_items, baseline=False, seed=1), conns, seconds, port=port)
    drain(real_id)
    wrk(requests_file(plan, base_id, base_items, baseline=True, seed=1), conns, seconds, port=port)
    drain(base_id)


def drain(meeting_id: int, *, quiet: float = 0.3, limit: float = 15.0) -> float:
    """Wait until the meeting's ballots stop growing; returns the seconds waited. wrk stops
    counting with a request in flight on each of its connections, which gunicorn still serves
    and commits after it: up to 64 casts, most of a second of both cores here. Without the wait
    the next phase starts behind them: the baseline began with the real side's leftovers (which
    favoured the real side's ratio), and the open loop with the baseline's."""
    t0 = time.perf_counter()
    last = None
    while time.perf_counter() - t0 < limit:
        ballots, _twice = check_database(meeting_id)
        if ballots == last:
            break
        last = ballots
        time.sleep(quiet)
    return time.perf_counter() - t0


def measure(plan: dict, run: dict, seconds: int, *, port: int = PORT) -> tuple[dict, dict, int, int, dict]:
    """One run: the real endpoint and the baseline at the run's connections (closed loop, wrk, in
    alternating rounds: ``closed_loop``), then the real endpoint in an open loop
    (``bench/openloop.py``) at half the baseline's rate just measured; each phase starts once the
    one before it has drained (``drain``). Returns wrk's figures for both, the ballots of the real
    meeting in the database, the flats voted twice, and the open loop's figures (with its meeting's
    ballots and flats twice)."""
    conns = run["connections"]
    real, base = closed_loop(plan, run, seconds, port=port)
    open_id, open_items = run["open"]
    open_requests = requests_file(plan, open_id, open_items, baseline=False, seed=conns + 1)
    opened = openloop.run(open_requests, rate=max(base["rate"] / 2, 1.0), seconds=seconds, port=port)
    opened["ballots"], opened["twice"] = check_database(open_id)
    return (real, base, *check_database(run["real"][0]), opened)


def closed_loop(plan: dict, run: dict, seconds: int, *, port: int = PORT) -> tuple[dict, dict]:
    """The real endpoint and the baseline, SECONDS each, in ROUNDS rounds that alternate which side
    goes first (real, baseline | baseline, real | ...). Before, each side ran SECONDS in one piece,
    the real side first: when the machine's speed drifted between the two halves (on the shared
    2-core machine the baseline alone moved by a third between runs), the ratio took all of it.
    Interleaved in this order, a drift that is steady over the run falls on both sides alike.
    Each round casts the owners who have not voted yet, in the same order as one long run."""
    conns = run["connections"]
    rounds = max(ROUNDS, 1)
    each = max(-(-seconds // rounds), 2)  # whole seconds (wrk): 15 in 4 rounds is 4 each
    sides = {"real": (run["real"], False), "baseline": (run["baseline"], True)}
    figures: dict[str, list[dict]] = {"real": [], "baseline": []}
    for r in range(rounds):
        for side in ("real", "baseline") if r % 2 == 0 else ("baseline", "real"):
            (meeting_id, items), baseline = sides[side]
            voted = voted_flats(meeting_id)
            requests = requests_file(plan, meeting_id, items, baseline=baseline, seed=conns, skip=voted)
            wal = wal_counters()
            figures[side].append(wrk(requests, conns, each, port=port))
            drain(meeting_id)
            wal_counters(since=wal, into=figures[side][-1])
    return merge_rounds(figures["real"]), merge_rounds(figures["baseline"])


def merge_rounds(rounds: list[dict]) -> dict:
    """One side's rounds as one run: the ballots accepted over the seconds measured, the errors and
    statuses summed, WAL a ballot weighted by ballots; p50 the rounds' median, p99 their worst (a
    percentile of the whole would need every latency, which wrk does not give). ``rounds``: each
    round's rate, for the printout."""
    accepted = sum(f["accepted"] for f in rounds)
    statuses: dict[str, int] = {}
    for f in rounds:
        for code, n in f["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    weight = max(accepted, 1)
    return {
        "rate": accepted / max(sum(f["seconds"] for f in rounds), 1e-9),
        "accepted": accepted,
        "errors": sum(f["errors"] for f in rounds),
        "statuses": statuses,
        "p50": sorted(f["p50"] for f in rounds)[len(rounds) // 2],
        "p99": max(f["p99"] for f in rounds),
        "wal_kb": sum(f["wal_kb"] * f["accepted"] for f in rounds) / weight,
        "fpi": sum(f["fpi"] * f["accepted"] for f in rounds) / weight,
        "rounds": [f["rate"] for f in rounds],
    }


def voted_flats(meeting_id: int) -> frozenset:
    """The flats of the meeting that have a ballot (a round, or ``cpu_split``, skips them)."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT flat_id FROM voting_ballot WHERE meeting_id = %s", [meeting_id])
        return frozenset(flat for (flat,) in c.fetchall())


def wal_counters(*, since: dict | None = None, into: dict | None = None) -> dict:
    """PostgreSQL's WAL counters (pg_stat_wal: bytes, full-page images); with ``since``, adds to
    ``into`` what one request wrote (``wal_kb``, ``fpi``: the first change of a page after a
    checkpoint logs the whole page, which is what a run right after one pays)."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT wal_bytes, wal_fpi FROM pg_stat_wal")
        wal_bytes, fpi = c.fetchone()
    now = {"bytes": int(wal_bytes), "fpi": int(fpi)}
    if since is not None and into is not None:
        n = max(into["accepted"], 1)
        into["wal_kb"] = (now["bytes"] - since["bytes"]) / n / 1024
        into["fpi"] = (now["fpi"] - since["fpi"]) / n
    return now


def check_database(meeting_id: int) -> tuple[int, int]:
    """(ballots, flats voted twice) of the meeting: the second must be 0."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "SELECT count(*), count(DISTINCT flat_id) FROM voting_ballot WHERE meeting_id = %s", [meeting_id]
        )
        ballots, flats = c.fetchone()
    return ballots, ballots - flats


def profile_casts(plan: dict, n: int) -> None:
    """Where one cast's time goes: ``n`` casts in this process through Django's test client (the
    same view, middleware and services as gunicorn runs, CSRF not enforced), under cProfile, with
    every database statement timed (round trip included). Prints the split and the top functions."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client

    meeting_id, items = plan["profile"]
    lines = requests_file(plan, meeting_id, items, baseline=False, seed=7).read_text().splitlines()[:n]
    db = {"seconds": 0.0, "statements": 0}

    def timed(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db["seconds"] += time.perf_counter() - t
            db["statements"] += 1

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    profiler = cProfile.Profile()
    statuses: dict[int, int] = {}
    t0 = time.perf_counter()
    with connection.execute_wrapper(timed):
        for line in lines:
            path, key, body = line.split("\t", 2)
            client.cookies["sessionid"] = key
            profiler.enable()
            r = client.post(path, body, content_type="application/json", secure=True)
            profiler.disable()
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
    total = time.perf_counter() - t0
    print(f"\nprofile of {n} casts in-process (statuses {statuses}):")
    print(
        f"  {total / n * 1000:.1f} ms a cast (under cProfile), of which {db['seconds'] / n * 1000:.1f} ms in "
        f"{db['statements'] / n:.0f} database statements (round trips included), "
        f"{(total - db['seconds']) / n * 1000:.1f} ms in Python"
    )
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(15)
    if os.environ.get("PROFILE_CUM"):
        stats.sort_stats("cumulative").print_stats(os.environ["PROFILE_CUM"], 70)


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a PostgreSQL backend so far."""
    return _stat(Path(f"/proc/{pid}/stat"))[1]


def cpu_split(plan: dict, n: int) -> None:
    """CPU a request costs, real cast against the baseline, in this process without a profiler:
    this process's CPU time (Django, the service, the test client) and that of the PostgreSQL
    backend serving it. Unlike wall times, these barely move with the machine's other load, so
    they say what a change saved when a closed-loop run cannot (figures move by a third). ``waits``:
    the times this process blocked a request (voluntary context switches, ``getrusage``), nearly
    all of them for a database round trip: under load each is a switch to PostgreSQL and back."""
    from django.db import connection
    from django.test import Client

    # Requests first, unmeasured: the first casts of a process cost several times the rest (imports,
    # caches, statements not yet prepared: the first 25 cost 5-6 times the next 25, measured).
    warm = 20
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    print(f"\nCPU a request, {n} requests in-process each (this process + its PostgreSQL backend):")
    for label, (meeting_id, items), baseline in (
        ("real cast", plan["profile"], False),
        ("baseline", plan["warmup"]["baseline"], True),
    ):
        voted = voted_flats(meeting_id)
        with connection.cursor() as c:
            c.execute("SELECT pg_backend_pid()")
            (backend,) = c.fetchone()
        lines = requests_file(plan, meeting_id, items, baseline=baseline, seed=11).read_text().splitlines()
        todo = [x for x in lines if json.loads(x.split("\t", 2)[2])["flat_ids"][0] not in voted][: n + warm]
        statuses: dict[int, int] = {}
        for i, line in enumerate(todo):
            if i == warm:
                python0, postgres0 = time.process_time(), _backend_cpu(backend)
                waits0 = resource.getrusage(resource.RUSAGE_SELF).ru_nvcsw
            path, key, body = line.split("\t", 2)
            client.cookies["sessionid"] = key
            r = client.post(path, body, content_type="application/json", secure=True)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
        done = max(len(todo) - warm, 1)
        python = (time.process_time() - python0) / done * 1000
        postgres = (_backend_cpu(backend) - postgres0) / done * 1000
        waits = (resource.getrusage(resource.RUSAGE_SELF).ru_nvcsw - waits0) / done
        print(
            f"  {label:10} Python {python:5.1f} ms, PostgreSQL {postgres:4.1f} ms, "
            f"together {python + postgres:5.1f} ms, {waits:4.1f} waits (statuses {statuses})"
        )


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    flats = int(os.environ.get("FLATS", "8000"))
    seconds = int(os.environ.get("SECONDS", "15"))
    runs = [int(c) for c in os.environ.get("CONNECTIONS", "16 64").split()]
    # Sync workers, one request each: a cast is CPU-bound Python, a worker holding the meeting's
    # counter row must not wait for the GIL, and a new connection goes to whichever worker is free
    # (gthread pins wrk's keep-alive connections to one worker: p99 5.9 s instead of 0.8 s at 16
    # connections). Behind the TLS proxy, which buffers, this is gunicorn's own advice.
    workers = int(os.environ.get("WORKERS", str(DEFAULT_WORKERS)))
    threads = int(os.environ.get("THREADS", "1"))
    VAR.mkdir(parents=True, exist_ok=True)
    env = environment()
    os.environ.update(env)
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    server = f"gunicorn {WORKER_CLASS} {workers}x{threads}"
    print(f"cast benchmark: {flats} flats, {ITEMS} items, PostgreSQL, {server}")
    fresh_database(env["DATABASE_URL"])
    plan = generate(flats, runs)
    settle(env["DATABASE_URL"])
    server = start_server(env, workers, threads)
    results = []
    print(f"  load average before: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    try:
        warm_up(plan, conns=max(runs), seconds=WARMUP)
        for run in plan["runs"]:
            results.append((run["connections"], *measure(plan, run, seconds)))
    finally:
        stop_server(server)
    print(f"  load average after: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print()
    print(
        f"{'conns':>5} {'real/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
        f"{'base/s':>8} {'b p99':>7} {'ratio':>6} {'ballots':>8} {'twice':>5} {'WAL kB':>13} {'FPI':>9}"
    )
    for conns, real, base, ballots, twice, _opened in results:
        ratio = real["rate"] / base["rate"] if base["rate"] else 0.0
        print(
            f"{conns:>5} {real['rate']:>8.0f} {real['p50']:>7.1f} {real['p99']:>7.1f} {real['errors']:>6} "
            f"{base['rate']:>8.0f} {base['p99']:>7.1f} {ratio:>6.2f} {ballots:>8} {twice:>5} "
            f"{real['wal_kb']:>6.1f}/{base['wal_kb']:<6.1f} {real['fpi']:>4.1f}/{base['fpi']:<4.1f}"
        )
        pairs = zip(real["rounds"], base["rounds"], strict=True)
        print(f"        rounds, real/baseline ballots/s: {'  '.join(f'{r:.0f}/{b:.0f}' for r, b in pairs)}")
        # Each owner casts once per meeting: a side that ran out of owners measured FLATS / SECONDS.
        capped = [side for side, f in (("real", real), ("baseline", base)) if f["accepted"] >= 0.98 * flats]
        if capped:
            print(f"  !! {' and '.join(capped)}: every owner voted before the end: capped (raise FLATS)")
        if ballots < real["accepted"]:
            print(f"  !! {real['accepted']} ballots accepted (201) but only {ballots} in the database")
        if real["statuses"]:
            print(f"  statuses: {real['statuses']}")
    print(
        "\nopen loop (bench/openloop.py): the real endpoint at a constant arrival rate, half the baseline's"
    )
    print(
        f"{'after':>5} {'rate/s':>7} {'sent':>6} {'201':>6} {'got/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'errors':>6} {'ballots':>8} {'twice':>5}"
    )
    for conns, _real, _base, _ballots, _twice, o in results:
        print(
            f"{conns:>5} {o['rate']:>7.1f} {o['sent']:>6} {o['accepted']:>6} {o['achieved']:>7.1f} "
            f"{o['p50']:>7.1f} {o['p99']:>7.1f} {o['max']:>7.1f} {o['errors']:>6} "
            f"{o['ballots']:>8} {o['twice']:>5}"
        )
        if o["statuses"]:
            print(f"  statuses: {o['statuses']} (0: no answer)")
        print(
            f"        its slowest 1% were due at {', '.join(f'{t:.1f}' for t in o['slow_at'])} s;"
            f" the generator's own delay, p99: {o['lag_p99']:.1f} ms"
        )
    print(
        "targets: closed-loop ratio >= 0.8 at 16 and 64 connections; open loop at half the baseline's rate:"
        " p99 <= 100 ms, 0 errors; 'twice' 0 and ballots >= accepted"
    )
    if PROFILE:
        profile_casts(plan, PROFILE)
        cpu_split(plan, 100)


if __name__ == "__main__":
    main()
