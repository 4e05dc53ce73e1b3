"""The cast benchmark's own arithmetic (bench/openloop.py, bench/cast.py; issue 21), checked against
a local server whose answers and delays are known: a figure in BENCHMARKS.md is only as good as the
tool that measured it. No timing is asserted: a request the server holds for a second is slower
than one it answers at once, on any machine."""

from __future__ import annotations

import importlib
import json
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
HOLD = 1.0  # seconds the server holds a request whose path ends in /slow


@pytest.fixture(scope="module")
def tools():
    """bench/openloop.py and bench/cast.py as the benchmark runs them (its directory on the path)."""
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("openloop"), importlib.import_module("cast")
    finally:
        sys.path.remove(str(BENCH))


class _Handler(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_POST(self):  # http.server calls it by this name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen.append({"path": self.path, "headers": dict(self.headers), "body": body.decode()})
        if self.path.endswith("/slow"):
            threading.Event().wait(HOLD)
        status = 409 if self.path.endswith("/refuse") else 201
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], _Handler.seen
    httpd.shutdown()
    httpd.server_close()


def _requests(tmp_path: Path, paths: list[str]) -> Path:
    f = tmp_path / "requests.txt"
    f.write_text("".join(f'{p}\tkey{i}\t{{"n": {i}}}\n' for i, p in enumerate(paths)))
    return f


def test_open_loop_sends_on_its_schedule_and_counts_every_answer(tools, server, tmp_path):
    openloop, _cast = tools
    port, seen = server
    paths = ["/ok"] * 30
    paths[3], paths[10] = "/refuse", "/slow"
    # 40 a second for half a second: the first 20 lines, whatever the answers.
    out = openloop.run(_requests(tmp_path, paths), rate=40, seconds=0.5, port=port, timeout=5)
    assert out["sent"] == 20 and len(seen) == 20
    assert out["accepted"] == 19  # the slow one too: late is not an error
    assert out["errors"] == 1 and out["statuses"] == {409: 1}
    # The held request is the slowest 1% (one of 20), due 10 / 40 s after the start; its latency
    # counts from when it was due, so the hold is in it, and in p99 and max; the median is not.
    assert out["slow_at"] == [pytest.approx(10 / 40)]
    assert out["max"] >= HOLD * 1000 and out["p99"] == out["max"]
    assert out["p50"] < HOLD * 1000
    # The same headers as wrk's script: the session, the CSRF token, the proxy's.
    sent = next(s for s in seen if s["path"] == "/ok")
    assert f"sessionid=key{json.loads(sent['body'])['n']}" in sent["headers"]["Cookie"]
    assert sent["headers"]["X-CSRFToken"] == openloop.CSRF
    assert sent["headers"]["X-Forwarded-Proto"] == "https"


def test_open_loop_counts_no_answer_as_an_error(tools, tmp_path):
    openloop, _cast = tools
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = openloop.run(_requests(tmp_path, ["/ok"] * 5), rate=50, seconds=0.1, port=port, timeout=2)
    assert out["sent"] == 5 and out["accepted"] == 0
    assert out["errors"] == 5 and out["statuses"] == {0: 5}


def test_percentile(tools):
    openloop, _cast = tools
    assert openloop.percentile([], 99) == 0.0
    values = [float(v) for v in range(100, 0, -1)]  # 100 .. 1, unsorted on purpose
    assert openloop.percentile(values, 50) == 51.0
    assert openloop.percentile(values, 99) == 99.0
    assert openloop.percentile(values, 100) == 100.0


def _round(rate, accepted, seconds, **kw):
    base = {"rate": rate, "accepted": accepted, "seconds": seconds, "errors": 0, "statuses": {}}
    return base | {"p50": 10.0, "p99": 50.0, "wal_kb": 10.0, "fpi": 0.0} | kw


def test_rounds_merge_into_ballots_over_seconds(tools):
    _openloop, cast = tools
    merged = cast.merge_rounds(
        [
            _round(100.0, 400, 4.0, p50=20.0, p99=90.0, wal_kb=20.0, statuses={"409": 1}, errors=1),
            _round(50.0, 100, 2.0, p50=10.0, p99=300.0, wal_kb=10.0),
            _round(80.0, 320, 4.0, p50=30.0, p99=80.0, wal_kb=20.0, statuses={"409": 2, "500": 1}, errors=3),
        ]
    )
    # 820 ballots in 10 s: 82 a second, not the mean of the rounds' rates (76.7).
    assert merged["rate"] == pytest.approx(82.0)
    assert merged["accepted"] == 820 and merged["errors"] == 4
    assert merged["statuses"] == {"409": 3, "500": 1}
    assert merged["p50"] == 20.0 and merged["p99"] == 300.0  # the median round, the worst round
    assert merged["wal_kb"] == pytest.approx((400 * 20 + 100 * 10 + 320 * 20) / 820)
    assert merged["rounds"] == [100.0, 50.0, 80.0]


def test_a_later_round_casts_only_the_owners_who_have_not_voted(tools, tmp_path, monkeypatch):
    _openloop, cast = tools
    monkeypatch.setattr(cast, "VAR", tmp_path)
    plan = {"keys": [f"k{i}" for i in range(10)], "flats": list(range(100, 110)), "users": list(range(10))}
    every = cast.requests_file(plan, 7, [1, 2], baseline=False, seed=3).read_text().splitlines()
    voted = frozenset(json.loads(line.split("\t")[2])["flat_ids"][0] for line in every[:4])
    rest = cast.requests_file(plan, 7, [1, 2], baseline=False, seed=3, skip=voted).read_text().splitlines()
    assert rest == every[4:]  # the same owners, order and answers as one long run
