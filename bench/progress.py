"""Benchmark: the live progress of a meeting (API, the convener's page and its 10-second refresh, the
list of flats that have not voted) at 500 and at 50,000 flats.

    make bench-progress             # SMALL=500 FLATS=50000 N=30 ITEMS=20

What it does, all by itself:
1. creates a fresh PostgreSQL database (``BENCH_DATABASE_URL``, default
   postgres://postgres@127.0.0.1:5432/ownervote_bench_progress; it is dropped first) and migrates it;
2. generates two estates through the real roster import, SMALL and FLATS flats, each with a meeting
   of ITEMS items whose voting is open (``voting.services.opening.voting_open``: the roll and the counters
   are frozen as in production; its time is printed) and a counted ballot for 70 % of the flats,
   written with COPY, the ``Progress`` counters brought up to date as the casting path leaves them
   (``bench/documents.py``, ``voted_meeting``);
3. signs each meeting's convener in (a Django session with the second factor passed, R-SEC-1);
4. starts gunicorn (2 workers, the production settings, ``bench/settings.py``) on 127.0.0.1:8767
   (``BENCH_PORT``) and requests, one after the other, after a warm-up of 3, N times each:
   ``GET /api/voting/meetings/{id}/progress`` (the figures), ``GET .../not-voted?offset=…&limit=100``
   (a page of the flats that have not voted, in the middle of the list), the convener's progress
   page ``GET /console/meetings/{id}/progress/`` (totals, the first page of buildings, the first
   page of the flats that have not voted, the reminder count) and its htmx refresh
   (``HX-Request``: the totals and the page of buildings in view, what the open page polls every
   10 s), and the same refresh on a later page of buildings sorted by name;
5. prints the machine's load average before and after (the machine may be shared), p50 / p95 in ms
   per request and size, and the ratio large / small of the p50s;
6. stops gunicorn.

Target (issues 7 and 21): each large figure within 1.5x of the small one (counters, not rescans;
a page of buildings, not every building).
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from cast import VAR, environment, fresh_database, start_server, stop_server  # noqa: E402
from documents import voted_meeting  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ownervote_bench_progress"
PORT = int(os.environ.get("BENCH_PORT", "8767"))
TARGET = 1.5
WARM_UP = 3


def session_for(user) -> str:
    """A signed-in Django session for ``user``, as the console sign-in leaves it: the second factor
    passed (a confirmed TOTP device named in the session, as django-otp records after the check;
    conveners need it, R-SEC-1)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    store = SessionStore()
    store.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            DEVICE_ID_SESSION_KEY: device.persistent_id,
        }
    )
    store.create()
    return store.session_key


def timed(path: str, session: str, n: int, *, htmx: bool = False) -> tuple[list[float], int]:
    """``n`` sequential GETs of ``path`` (after a warm-up): the latencies in ms and the body size."""
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={secrets.token_hex(16)}",
        "X-Forwarded-Proto": "https",
        "Host": "127.0.0.1",
    }
    if htmx:
        headers["HX-Request"] = "true"
    times, size = [], 0
    for i in range(WARM_UP + n):
        req = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers=headers)
        t0 = time.perf_counter()
        with urllib.request.urlopen(req, timeout=60) as r:  # noqa: S310 - our own server on loopback
            body = r.read()
            if r.status != 200:
                raise SystemExit(f"{path}: HTTP {r.status}")
        if i >= WARM_UP:
            times.append((time.perf_counter() - t0) * 1000)
        size = len(body)
    return times, size


def load() -> str:
    """The 1, 5 and 15-minute load averages (the machine may be shared with other work)."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def p(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    small = int(os.environ.get("SMALL", "500"))
    large = int(os.environ.get("FLATS", "50000"))
    n = int(os.environ.get("N", "30"))
    items_n = int(os.environ.get("ITEMS", "20"))
    os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_URL)
    VAR.mkdir(parents=True, exist_ok=True)
    env = environment()
    # The production settings serve hashed static files from a manifest: collected here, apart.
    env["OWNERVOTE_STATIC_ROOT"] = str(VAR / "static-progress")
    os.environ.update(env)
    fresh_database(env["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    print(f"== bench-progress: {small} and {large} flats x {items_n} items on PostgreSQL, {n} requests each")
    meetings, ballots = {}, {}
    for flats, prefix, code in ((small, "进度小", "PS"), (large, "进度大", "PL")):
        setup = voted_meeting(
            flats=flats, items_n=items_n, share=0.7, electronic=0.6, prefix=prefix, code=code, seed=flats
        )
        t = setup["times"]
        print(
            f"  {flats:>6} flats: import {t['import']:.1f} s, voting_open {t['voting_open']:.1f} s, "
            f"{setup['ballots']} ballots and counters {t['ballots']:.1f} s"
        )
        meetings[flats] = (setup["meeting"], session_for(setup["convener"]))
        ballots[flats] = setup["ballots"]

    pages = (
        ("API progress", "/api/voting/meetings/{id}/progress", False),
        ("API not voted", "/api/voting/meetings/{id}/not-voted?offset={middle}&limit=100", False),
        ("progress page", "/console/meetings/{id}/progress/", False),
        ("page refresh (htmx)", "/console/meetings/{id}/progress/", True),
        ("refresh, by name p2", "/console/meetings/{id}/progress/?bsort=name&bpage=2", True),
    )
    print(f"  load average before: {load()}")
    server = start_server(env, 2, 4, port=PORT, log_name="gunicorn-progress.log")
    figures = {}
    try:
        for flats, (meeting_id, session) in meetings.items():
            middle = (flats - ballots[flats]) // 2 // 100 * 100  # a page in the middle of the list
            for name, path, htmx in pages:
                url = path.format(id=meeting_id, middle=middle)
                figures[(name, flats)] = timed(url, session, n, htmx=htmx)
    finally:
        stop_server(server)
    print(f"  load average after: {load()}")

    print()
    print(
        f"  {'request':<20} {'flats':>6} {'p50 ms':>8} {'p95 ms':>8} {'KiB':>6}   "
        f"ratio p50 {large}/{small} (target <= {TARGET})"
    )
    worst = 0.0
    for name, _path, _htmx in pages:
        for flats in (small, large):
            times, size = figures[(name, flats)]
            line = f"  {name:<20} {flats:>6} {p(times, 50):>8.1f} {p(times, 95):>8.1f} {size / 1024:>6.1f}"
            if flats == large:
                ratio = p(times, 50) / p(figures[(name, small)][0], 50)
                worst = max(worst, ratio)
                line += f"   {ratio:.2f}  {'OK' if ratio <= TARGET else 'MISSED'}"
            print(line)
    print()
    print(f"  worst ratio {worst:.2f} (target <= {TARGET})  {'OK' if worst <= TARGET else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
