"""Benchmark: a city on two nodes, a streaming hot standby, and a failover drill (issue 21 item 4).

    make bench-city-nodes           # NODES_ESTATES=100 NODES_FLATS=20000 NODES_MEETINGS=5
                                    # CAST_FLATS=1000 SECONDS=10 CONNECTIONS=16 WORKERS=4 DASH_CLIENTS=4
    (``make bench-city`` runs it after the one-node city benchmark)

What it does, all by itself, on this one machine (PostgreSQL 15's programs from PG_BIN,
/usr/lib/postgresql/15/bin; HAProxy and wrk from Debian; as root it runs PostgreSQL as ``postgres``):
1. creates a PostgreSQL primary in var/bench/pg-city/primary (initdb, port PRIMARY_PORT 55461,
   ``wal_level=replica``, fsync on) and on it the database ownervote_bench_city_nodes: migrated, a
   smaller city than ``make bench-city``'s (bench/city.py ``generate_city``: NODES_ESTATES estates,
   NODES_FLATS flats, NODES_MEETINGS meetings; the one-node benchmark keeps the full city) and the
   cast benchmark's estate of CAST_FLATS flats with its open meetings (bench/cast.py ``generate``);
2. starts two gunicorn nodes (127.0.0.1:8771 and :8772, WORKERS sync workers each, the production
   settings), HAProxy in front of them on 127.0.0.1:8770 (leastconn, health checks on /healthz)
   and two background workers (``manage.py worker``);
3. phase "primary only": DASH_CLIENTS clients load the street, district and city oversight
   dashboards (page and API) through HAProxy without pause while wrk casts ballots through
   HAProxy (bench/cast.lua, CONNECTIONS connections, SECONDS);
4. creates the hot standby (pg_basebackup -R with a replication slot, port STANDBY_PORT 55462),
   waits until it streams, makes it the synchronous standby (``synchronous_standby_names =
   'city_standby'`` with ``synchronous_commit = on``: a commit returns only once the standby has
   flushed its WAL), restarts the nodes with ``DATABASE_REPLICA_URL`` pointing at it (the router,
   core/dbrouter.py, sends the dashboards' reads there) and runs the same load: phase "with standby";
5. the failover drill: DRILL_CLIENTS clients cast ballots on a fresh meeting, each recording every
   ballot acknowledged (HTTP 201) with its receipt code; after DRILL_BEFORE seconds the primary is
   stopped hard (``pg_ctl stop -m immediate``), the standby promoted (``pg_ctl promote``), and the
   nodes and workers restarted with ``DATABASE_URL`` naming the promoted server (HAProxy stays: it
   marks the nodes down while they restart and up again after). The clients retry what failed and
   go on for DRILL_AFTER seconds. Then every acknowledged receipt is looked up through the public
   receipt check (``GET /api/voting/receipts/{code}``) on the promoted server, and the outbox is
   checked for a message delivered twice (two successful delivery attempts, two identical inbox
   rows) once the workers have drained it;
6. prints every figure, stops everything it started and leaves the clusters' logs in var/bench/.

Targets: the acknowledged ballots present after the promotion = acknowledged before the stop (and
every one acknowledged at all); nothing sent twice; the cast keeps its rate while the dashboards
are under load (compare the two phases).
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

import cast  # noqa: E402
import city  # noqa: E402

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port(preferred: int) -> int:
    """``preferred`` if nothing listens on it, else a port the system picks."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
        except OSError:
            s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PRIMARY_PORT = free_port(int(os.environ.get("PRIMARY_PORT", "55461")))
STANDBY_PORT = free_port(int(os.environ.get("STANDBY_PORT", "55462")))
LB_PORT = 8770
NODE_PORTS = (8771, 8772)
DB_NAME = "ownervote_bench_city_nodes"
SLOT = "city_standby"
PG_DIR = cast.VAR / "pg-city"
PATHS = {"page": "/console/oversight/", "API": "/api/results/oversight"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def url(port: int) -> str:
    return f"postgres://postgres@127.0.0.1:{port}/{DB_NAME}"


# --- PostgreSQL: the primary, the standby -------------------------------------------------------


def pg(program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """A PostgreSQL program, as ``postgres`` when we are root (initdb and postgres refuse root)."""
    command = [str(PG_BIN / program), *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, check=check)  # noqa: S603


def sql(port: int, statement: str, params: tuple = (), database: str = "postgres") -> list[tuple]:
    import psycopg

    with psycopg.connect(f"postgres://postgres@127.0.0.1:{port}/{database}", autocommit=True) as conn:
        cur = conn.execute(statement, params or None)
        return cur.fetchall() if cur.description else []


def stop_clusters() -> None:
    """Stops whatever cluster a previous run left running in var/bench/pg-city (fast)."""
    for name in ("primary", "standby"):
        if (PG_DIR / name / "postmaster.pid").exists():
            pg("pg_ctl", "-D", str(PG_DIR / name), "stop", "-m", "fast", "-w", check=False)


def create_primary() -> Path:
    stop_clusters()
    shutil.rmtree(PG_DIR, ignore_errors=True)
    PG_DIR.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(PG_DIR, "postgres", "postgres")
    data = PG_DIR / "primary"
    pg("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    with (data / "postgresql.conf").open("a") as f:
        f.write(
            f"\n# bench/city_nodes.py\nport = {PRIMARY_PORT}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{PG_DIR}'\nmax_connections = 200\nshared_buffers = 256MB\n"
            "wal_level = replica\nmax_wal_senders = 4\nmax_replication_slots = 4\nhot_standby = on\n"
            "wal_keep_size = 1GB\nsynchronous_commit = on\n"
        )
    start_cluster("primary")
    sql(PRIMARY_PORT, f'CREATE DATABASE "{DB_NAME}"')
    return data


def start_cluster(name: str) -> None:
    pg("pg_ctl", "-D", str(PG_DIR / name), "-l", str(PG_DIR / f"{name}.log"), "-w", "-t", "120", "start")


def create_standby() -> None:
    """pg_basebackup of the running primary with a replication slot; streams from it as
    ``city_standby``; then the primary waits for its flush at every commit."""
    data = PG_DIR / "standby"
    pg(
        "pg_basebackup",
        *("-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres", "-D", str(data)),
        *("-X", "stream", "-R", "-C", "-S", SLOT, "--checkpoint=fast"),
    )
    with (data / "postgresql.conf").open("a") as f:
        f.write(f"\nport = {STANDBY_PORT}\n")
    with (data / "postgresql.auto.conf").open("a") as f:
        f.write(
            f"primary_conninfo = 'host=127.0.0.1 port={PRIMARY_PORT} user=postgres "
            f"application_name={SLOT}'\nprimary_slot_name = '{SLOT}'\n"
        )
    start_cluster("standby")
    for _ in range(120):
        rows = sql(PRIMARY_PORT, "SELECT state FROM pg_stat_replication WHERE application_name = %s", (SLOT,))
        if rows and rows[0][0] == "streaming":
            break
        time.sleep(0.5)
    else:
        raise SystemExit(f"the standby does not stream: see {PG_DIR / 'standby.log'}")
    sql(PRIMARY_PORT, f"ALTER SYSTEM SET synchronous_standby_names = '{SLOT}'")
    sql(PRIMARY_PORT, "SELECT pg_reload_conf()")
    time.sleep(1)


def replication_state() -> dict:
    rows = sql(
        PRIMARY_PORT,
        "SELECT state, sync_state, coalesce(extract(epoch FROM replay_lag) * 1000, 0)::int, "
        "current_setting('synchronous_commit'), current_setting('synchronous_standby_names') "
        "FROM pg_stat_replication WHERE application_name = %s",
        (SLOT,),
    )
    keys = ("state", "sync_state", "replay_lag_ms", "synchronous_commit", "synchronous_standby_names")
    return dict(zip(keys, rows[0], strict=True)) if rows else {}


# --- the nodes: gunicorn, HAProxy, workers -------------------------------------------------------


class City:
    """Two gunicorn nodes and two workers on one database configuration, HAProxy in front."""

    def __init__(self, env: dict, workers: int):
        self.env, self.workers = env, workers
        self.nodes: list[subprocess.Popen] = []
        self.bg: list[subprocess.Popen] = []
        self.lb: subprocess.Popen | None = None

    def start_haproxy(self) -> None:
        if shutil.which("haproxy") is None:
            raise SystemExit("haproxy is missing: apt-get install haproxy (make bench-setup does)")
        servers = "".join(
            f"  server node{i + 1} 127.0.0.1:{port} check inter 1s fall 3 rise 1\n"
            for i, port in enumerate(NODE_PORTS)
        )
        config = cast.VAR / "haproxy-city.cfg"
        config.write_text(
            "global\n  maxconn 4000\n"
            "defaults\n  mode http\n  timeout connect 2s\n  timeout client 60s\n  timeout server 60s\n"
            f"frontend city\n  bind 127.0.0.1:{LB_PORT}\n  default_backend nodes\n"
            "backend nodes\n  balance leastconn\n  timeout check 10s\n  option httpchk\n"
            "  http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1\n" + servers
        )
        log = (cast.VAR / "haproxy-city.log").open("w")
        self.lb = subprocess.Popen(  # noqa: S603 - Debian's haproxy with our config
            ["haproxy", "-db", "-f", str(config)],  # noqa: S607
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start(self, database_url: str, replica_url: str | None) -> None:
        env = dict(self.env, DATABASE_URL=database_url)
        env.pop("DATABASE_REPLICA_URL", None)
        if replica_url:
            env["DATABASE_REPLICA_URL"] = replica_url
        for i, port in enumerate(NODE_PORTS):
            self.nodes.append(start_node(env, self.workers, port, f"gunicorn-city-node{i + 1}.log"))
        for i in range(2):
            log = (cast.VAR / f"worker-city-{i + 1}.log").open("a")
            self.bg.append(
                subprocess.Popen(  # noqa: S603 - our own manage.py
                    [sys.executable, str(ROOT / "manage.py"), "worker"],
                    env=env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        wait_lb_up()

    def stop_nodes(self) -> None:
        for process in self.nodes + self.bg:
            cast.stop_server(process)
        self.nodes, self.bg = [], []

    def stop(self) -> None:
        self.stop_nodes()
        if self.lb is not None:
            cast.stop_server(self.lb)
            self.lb = None


def start_node(env: dict, workers: int, port: int, log_name: str) -> subprocess.Popen:
    """gunicorn as bench/cast.py starts it, but the application loaded once before the workers fork
    (``--preload``) and a longer worker timeout: on a busy machine a dozen workers importing Django
    at once miss gunicorn's 30 s."""
    log = (cast.VAR / log_name).open("w")
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn with fixed arguments
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "ownervote.wsgi",
            *("--worker-class", cast.WORKER_CLASS, "--workers", str(workers), "--threads", "1"),
            *("--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--preload", "--timeout", "120"),
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(600):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
        finally:
            conn.close()
    cast.stop_server(server)
    raise SystemExit(f"gunicorn did not start: see {cast.VAR / log_name}")


def wait_lb_up() -> None:
    for _ in range(300):
        if request("GET", "/healthz")[0] == 200:
            return
        time.sleep(0.2)
    raise SystemExit(f"HAProxy answers nothing: see {cast.VAR / 'haproxy-city.log'}")


def request(
    method: str, path: str, headers: dict | None = None, body: str | None = None
) -> tuple[int, bytes]:
    """One request through HAProxy: (status, body); status 0 when the connection failed."""
    conn = http.client.HTTPConnection("127.0.0.1", LB_PORT, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        conn.close()


# --- the load ------------------------------------------------------------------------------------


def dashboard_load(keys: dict[str, str], stop: threading.Event, clients: int) -> tuple[list, dict]:
    """``clients`` threads GET the dashboards (page and API of every level in turn) until ``stop``:
    returns the threads and the shared record (latencies in ms, failures)."""
    record: dict = {"ms": [], "failed": 0, "statuses": {}}
    lock = threading.Lock()
    targets = [(path, key) for key in keys.values() for path in PATHS.values()]

    def run(offset: int) -> None:
        i = offset
        while not stop.is_set():
            path, key = targets[i % len(targets)]
            i += 1
            headers = {"Cookie": f"sessionid={key}", "X-Forwarded-Proto": "https"}
            t0 = time.perf_counter()
            status, _body = request("GET", path, headers)
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                if status == 200:
                    record["ms"].append(elapsed)
                else:
                    record["failed"] += 1
                    record["statuses"][status] = record["statuses"].get(status, 0) + 1

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    return threads, record


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def phase(name: str, plan: dict, run: dict, keys: dict, seconds: int, clients: int) -> dict:
    """Casting (wrk through HAProxy) while the dashboards are under load."""
    warm_id, warm_items = plan["warmup"]["real"]
    seed = {"primary only": 11, "with standby": 12}.get(name, 13)
    warm = cast.requests_file(plan, warm_id, warm_items, baseline=False, seed=seed)
    cast.wrk(warm, run["connections"], cast.WARMUP, port=LB_PORT)  # every worker has run a cast
    for key in keys.values():  # and a dashboard
        for path in PATHS.values():
            request("GET", path, {"Cookie": f"sessionid={key}", "X-Forwarded-Proto": "https"})
    stop = threading.Event()
    threads, board = dashboard_load(keys, stop, clients)
    t0 = time.perf_counter()
    real_id, real_items = run["real"]
    figures = cast.wrk(
        cast.requests_file(plan, real_id, real_items, baseline=False, seed=run["connections"]),
        run["connections"],
        seconds,
        port=LB_PORT,
    )
    elapsed = time.perf_counter() - t0
    stop.set()
    for t in threads:
        t.join()
    ballots, twice = cast.check_database(real_id)
    ms = board["ms"]
    out = {
        "name": name,
        "cast": figures,
        "ballots": ballots,
        "twice": twice,
        "dash_rate": len(ms) / elapsed,
        "dash_p50": statistics.median(ms) if ms else 0.0,
        "dash_p95": percentile(ms, 95),
        "dash_failed": board["failed"],
    }
    print(
        f"  {name}: cast {figures['rate']:.0f}/s (p50 {figures['p50']:.0f} ms, p99 {figures['p99']:.0f} ms, "
        f"{figures['errors']} errors {figures['statuses']}); "
        f"dashboards {out['dash_rate']:.1f}/s (p50 {out['dash_p50']:.0f} ms, "
        f"p95 {out['dash_p95']:.0f} ms, {out['dash_failed']} failed {board['statuses']})",
        flush=True,
    )
    return out


# --- the failover drill ---------------------------------------------------------------------------


class Voters:
    """DRILL clients casting the ballots of a requests file through HAProxy. Every 201 is recorded
    with its receipt code and when it came; a failure (no answer, 5xx, HAProxy's 503 while no node
    is up) is tried again a moment later, as a voter would; a 409 (the flat has voted: a ballot whose
    answer was lost) is not acknowledged and not retried."""

    def __init__(self, requests_file: Path, clients: int):
        self.todo: queue.Queue = queue.Queue()
        for line in requests_file.read_text().splitlines():
            self.todo.put(line.split("\t", 2))
        self.acks: list[tuple[float, str]] = []
        self.statuses: dict[int, int] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(clients)]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()

    def run(self) -> None:
        origin = f"https://127.0.0.1:{LB_PORT}"
        csrf = "benchcsrftokenbenchcsrftoken0123"  # as bench/cast.lua
        while not self.stop.is_set():
            try:
                path, key, body = self.todo.get(timeout=0.1)
            except queue.Empty:
                return
            headers = {
                "Content-Type": "application/json",
                "Cookie": f"sessionid={key}; csrftoken={csrf}",
                "X-CSRFToken": csrf,
                "X-Forwarded-Proto": "https",
                "Origin": origin,
                "Referer": origin + "/",
            }
            status, answer = request("POST", path, headers, body)
            with self.lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if status == 201:
                    self.acks.append((time.time(), json.loads(answer)["code"]))
            if status == 0 or status >= 500:
                self.todo.put((path, key, body))
                time.sleep(0.2)


def receipts_present(codes: list[str]) -> int:
    """How many receipt codes the public receipt check finds (through HAProxy, on the new primary)."""
    headers = {"X-Forwarded-Proto": "https"}  # as the TLS proxy says (the production settings)
    return sum(1 for code in codes if request("GET", f"/api/voting/receipts/{code}", headers)[0] == 200)


def outbox_check(port: int, since: float, wait: int) -> dict:
    """Waits (at most ``wait`` s) until the workers have no message of the drill left to send, then
    counts: messages by status, messages with more than one successful delivery attempt, and inbox
    rows that are the same message twice."""
    pending = (
        "SELECT count(*) FROM notify_outboxmessage WHERE status IN ('pending', 'sending') "
        "AND created_at >= to_timestamp(%s)"
    )
    deadline = time.time() + wait
    while sql(port, pending, (since,), DB_NAME)[0][0] and time.time() < deadline:
        time.sleep(1)
    statuses = dict(
        sql(
            port,
            "SELECT status, count(*) FROM notify_outboxmessage "
            "WHERE created_at >= to_timestamp(%s) GROUP BY 1",
            (since,),
            DB_NAME,
        )
    )
    twice = sql(
        port,
        "SELECT count(*) FROM (SELECT message_id FROM notify_deliveryattempt "
        "WHERE result IN ('sent', 'confirmed') GROUP BY message_id HAVING count(*) > 1) x",
        (),
        DB_NAME,
    )[0][0]
    inbox_twice = sql(
        port,
        "SELECT count(*) FROM (SELECT 1 FROM notify_notification "
        "WHERE created_at >= to_timestamp(%s) GROUP BY user_id, kind, link, body HAVING count(*) > 1) x",
        (since,),
        DB_NAME,
    )[0][0]
    return {"statuses": statuses, "delivered_twice": twice, "inbox_twice": inbox_twice}


def failover_drill(nodes: City, plan: dict, run: dict, clients: int, before: int, after: int) -> dict:
    real_id, real_items = run["real"]
    voters = Voters(cast.requests_file(plan, real_id, real_items, baseline=False, seed=99), clients)
    started = time.time()
    state = replication_state()
    voters.start()
    time.sleep(before)
    t_stop = time.time()
    pg("pg_ctl", "-D", str(PG_DIR / "primary"), "stop", "-m", "immediate", "-w")
    t_stopped = time.time()
    pg("pg_ctl", "-D", str(PG_DIR / "standby"), "promote", "-w", "-t", "60")
    t_promoted = time.time()
    nodes.stop_nodes()  # the nodes and workers come back on the promoted server
    nodes.start(url(STANDBY_PORT), None)
    t_switched = time.time()
    time.sleep(after)
    voters.finish()
    acks = sorted(voters.acks)
    before_stop = [code for at, code in acks if at < t_stop]
    print(
        f"  primary stopped {t_stopped - t_stop:.1f} s, standby promoted {t_promoted - t_stopped:.1f} s, "
        f"nodes switched {t_switched - t_promoted:.1f} s; checking {len(acks)} receipts",
        flush=True,
    )
    ballots = sql(
        STANDBY_PORT, "SELECT count(*) FROM voting_ballot WHERE meeting_id = %s", (real_id,), DB_NAME
    )
    return {
        "replication": state,
        "acked_before": len(before_stop),
        "present_before": receipts_present(before_stop),
        "acked_down": sum(1 for at, _ in acks if t_stop <= at < t_promoted),
        "acked_after": sum(1 for at, _ in acks if at >= t_promoted),
        "acked": len(acks),
        "present": receipts_present([code for _, code in acks]),
        "ballots": ballots[0][0],
        "statuses": dict(sorted(voters.statuses.items())),
        "outage_s": t_switched - t_stop,
        "outbox": outbox_check(STANDBY_PORT, started, wait=60),
    }


# --- the run -------------------------------------------------------------------------------------


def prepare(env: dict, cast_flats: int) -> tuple[dict, dict, dict]:
    """The database on the primary: migrated, a city, staff sessions, the cast benchmark's estate."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if city.static_stale(Path(env["OWNERVOTE_STATIC_ROOT"])):
        call_command("collectstatic", interactive=False, verbosity=0)
    estates = env_int("NODES_ESTATES", 100)
    flats = env_int("NODES_FLATS", 20_000)
    meetings = env_int("NODES_MEETINGS", 5)
    figures = city.generate_city(
        estates, flats, meetings, env_int("CHOICES", 3_000_000), env_int("STREETS", 70)
    )
    keys = city.staff_sessions(figures["scopes"])
    # bench/cast.py's plan: one run (two open meetings) and the warm-up's two. All four are real
    # meetings (cast.py's "baseline" ones are just opened for its baseline view): the warm-up casts on
    # the first, each phase and the drill on one of the others.
    plan = cast.generate(cast_flats, [env_int("CONNECTIONS", 16)])
    run = plan["runs"][0]
    plan["phases"] = [
        {"connections": run["connections"], "real": meeting}
        for meeting in (run["real"], run["baseline"], plan["warmup"]["baseline"])
    ]
    connection.close()
    sql(PRIMARY_PORT, "VACUUM ANALYZE", (), DB_NAME)
    return figures, keys, plan


def report(figures: dict, phases: list[dict], drill: dict) -> None:
    print()
    print(
        f"city: {figures['estates']} estates, {figures['flats']} flats, {figures['meetings']} meetings "
        f"({figures['ballots']} ballots, {figures['choices']} choices)"
    )
    print(
        f"{'phase':14} {'cast/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'twice':>5}   "
        f"{'dash/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'failed':>6}"
    )
    for p in phases:
        c = p["cast"]
        print(
            f"{p['name']:14} {c['rate']:>7.0f} {c['p50']:>7.0f} {c['p99']:>7.0f} {c['errors']:>6} "
            f"{p['twice']:>5}   {p['dash_rate']:>7.1f} {p['dash_p50']:>7.0f} {p['dash_p95']:>7.0f} "
            f"{p['dash_failed']:>6}"
        )
    r = drill["replication"]
    print()
    print(
        f"failover drill: replication {r.get('state')} ({r.get('sync_state')}), synchronous_commit = "
        f"{r.get('synchronous_commit')}, synchronous_standby_names = '{r.get('synchronous_standby_names')}'"
    )
    print(f"  acknowledged before the stop:        {drill['acked_before']}")
    print(
        f"  of them present after the promotion: {drill['present_before']}  "
        f"{'OK' if drill['present_before'] == drill['acked_before'] else 'MISSING BALLOTS'}"
    )
    print(f"  acknowledged between stop and promotion: {drill['acked_down']}")
    print(
        f"  acknowledged after the promotion:    {drill['acked_after']} (by each node once restarted on it)"
    )
    print(
        f"  acknowledged in all / present:       {drill['acked']} / {drill['present']}  "
        f"{'OK' if drill['present'] == drill['acked'] else 'MISSING BALLOTS'}"
    )
    print(
        f"  ballots of the meeting on the promoted server: {drill['ballots']} (>= acknowledged: "
        "a ballot whose answer was lost in the stop is there, unacknowledged)"
    )
    print(
        f"  answers seen by the clients: {drill['statuses']} (0 = no connection; a 4xx is the retry "
        "of a ballot committed whose answer was lost); "
        f"casting interrupted for {drill['outage_s']:.1f} s"
    )
    o = drill["outbox"]
    print(
        f"  outbox of the drill: {o['statuses']}; delivered twice: {o['delivered_twice']}, "
        f"inbox rows twice: {o['inbox_twice']}  "
        f"{'OK' if o['delivered_twice'] == 0 and o['inbox_twice'] == 0 else 'SENT TWICE'}"
    )


def main() -> int:
    for program in ("wrk", "haproxy"):
        if shutil.which(program) is None:
            raise SystemExit(f"{program} is missing: apt-get install {program} (make bench-setup does)")
    if not (PG_BIN / "initdb").exists():
        raise SystemExit(f"PostgreSQL's programs are not in {PG_BIN}: set PG_BIN")
    cast_flats = env_int("CAST_FLATS", 1000)
    seconds = env_int("SECONDS", 10)
    workers = env_int("WORKERS", 4)
    clients = env_int("DASH_CLIENTS", 4)
    env = cast.environment()
    env.update(DATABASE_URL=url(PRIMARY_PORT), OWNERVOTE_STATIC_ROOT=str(cast.VAR / "static-city"))
    env.pop("DATABASE_REPLICA_URL", None)
    os.environ.update(env)
    print(
        f"city on two nodes: PostgreSQL primary :{PRIMARY_PORT}, standby :{STANDBY_PORT} ({PG_DIR}); "
        f"HAProxy :{LB_PORT} -> gunicorn {cast.WORKER_CLASS} {workers}x1 on :{NODE_PORTS[0]} and "
        f":{NODE_PORTS[1]}; 2 workers",
        flush=True,
    )
    create_primary()
    figures, keys, plan = prepare(env, cast_flats)
    nodes = City(env, workers)
    phases = []
    try:
        nodes.start_haproxy()
        nodes.start(url(PRIMARY_PORT), None)
        phases.append(phase("primary only", plan, plan["phases"][0], keys, seconds, clients))
        create_standby()
        nodes.stop_nodes()
        nodes.start(url(PRIMARY_PORT), url(STANDBY_PORT))
        phases.append(phase("with standby", plan, plan["phases"][1], keys, seconds, clients))
        drill = failover_drill(
            nodes,
            plan,
            plan["phases"][2],
            env_int("DRILL_CLIENTS", 8),
            env_int("DRILL_BEFORE", 5),
            env_int("DRILL_AFTER", 5),
        )
    finally:
        nodes.stop()
        stop_clusters()
    report(figures, phases, drill)
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    sys.exit(main())
