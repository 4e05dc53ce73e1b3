"""An open-loop load generator for the cast benchmark (bench/cast.py; issue 21).

wrk is a closed loop: each connection sends its next request only once the previous one answered,
so when the server slows down the load slows down with it and the queue never shows. Here requests
start on a fixed schedule, ``rate`` a second whatever the answers, as owners do in a deadline
rush: request i is due at ``start + i / rate``. A pool of threads sends them (a new connection
each: gunicorn's sync workers close it after every answer anyway); a request's latency is counted
from the moment it was *due*, not from when a thread got round to it, so a generator falling behind
shows up in the figures instead of hiding them (no coordinated omission).

Same requests file as wrk (path \\t session key \\t body, one owner a line) and the same headers as
``bench/cast.lua``. ``run`` returns the rate achieved, p50 / p99 in ms, the answers by status,
the errors (any answer but 201, or no answer) and when its slowest 1% were due."""

from __future__ import annotations

import gc
import http.client
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CSRF = "benchcsrftokenbenchcsrftoken0123"


def _lines(requests: Path) -> list[tuple[str, str, str]]:
    out = []
    for line in requests.read_text().splitlines():
        path, key, body = line.split("\t", 2)
        out.append((path, key, body))
    return out


def _send(port: int, path: str, key: str, body: str, timeout: float) -> int:
    origin = f"https://127.0.0.1:{port}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            "POST",
            path,
            body=body.encode(),
            headers={
                "Content-Type": "application/json",
                "Cookie": f"sessionid={key}; csrftoken={CSRF}",
                "X-CSRFToken": CSRF,
                "X-Forwarded-Proto": "https",
                "Origin": origin,
                "Referer": origin + "/",
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(
    requests: Path, *, rate: float, seconds: float, port: int, threads: int = 128, timeout: float = 10
) -> dict:
    """Send the file's requests at ``rate`` a second for ``seconds`` (or until the file runs out)."""
    lines = _lines(requests)[: max(1, int(rate * seconds))]
    latencies: list[float] = []
    statuses: Counter = Counter()
    timeline: list[tuple[float, float]] = []  # (latency ms, seconds after the start it was due)
    lags: list[float] = []  # ms between a request's due time and its thread starting to send it
    lock = threading.Lock()

    def one(due: float, line: tuple[str, str, str]) -> None:
        late = time.perf_counter() - due  # the generator's own delay, counted in the latency
        try:
            status = _send(port, *line, timeout)
        except OSError:
            status = 0  # no answer: refused, reset or timed out
        elapsed = (time.perf_counter() - due) * 1000
        with lock:
            statuses[status] += 1
            latencies.append(elapsed)
            timeline.append((elapsed, due - start))
            lags.append(late * 1000)

    # No garbage collection while sending: a full collection of the benchmark's process (Django,
    # the plan, thousands of sessions) would pause every thread of the generator at once and count
    # the requests due meanwhile late. ``lag_p99`` shows what delay the generator adds (2-8 ms).
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter() + 0.1
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for i, line in enumerate(lines):
                due = start + i / rate
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                pool.submit(one, due, line)
        duration = time.perf_counter() - start
    finally:
        gc.enable()
    accepted = statuses.get(201, 0)
    return {
        "rate": rate,
        "sent": len(lines),
        "accepted": accepted,
        "achieved": accepted / duration if duration > 0 else 0.0,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "max": max(latencies, default=0.0),
        "lag_p99": percentile(lags, 99),
        "errors": sum(n for s, n in statuses.items() if s != 201),
        "statuses": {s: n for s, n in statuses.items() if s != 201},
        # When the slowest 1% were due (seconds after the start), in order: a start behind work
        # left over, or a stall in the middle.
        "slow_at": sorted(at for _ms, at in sorted(timeline, reverse=True)[: max(1, len(timeline) // 100)]),
    }
