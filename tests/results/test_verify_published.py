"""The verifier compares an archive with the root its result was published with (R-RES-4, R-SEC-5).

Issue 19, point 3: a consistently forged archive (answers flipped, the Merkle root and the result
recomputed) passed ``python -m ownervote.verify``. An archive consistent with itself proves nothing
about being the published one: ``--expect-root`` and ``--public-url`` compare its root with the
published root and fail when they differ; without either, the verifier says what to compare by hand.

The result here is the results fixtures' closed meeting, generated, submitted and publicised
through the services; its archive is exported with ``export.archive_of``. The public root is read
through the real endpoint ``/p/meetings/<id>/result/v<n>/root.json``: in-process by an opener that
hands urllib's request to Django's test client (the network boundary), and over a real socket by a
small HTTP server for the command line."""

from __future__ import annotations

import http.server
import io
import json
import socket
import threading
import urllib.error
import urllib.parse
from pathlib import Path

import pytest
from django.test import Client

from ownervote.results.services import export
from ownervote.verify import __main__ as cli
from ownervote.verify import archive, merkle, published
from tests.results.test_services import closed_world, publicise, submitted, window_over  # noqa: F401
from tests.results.test_verify import verify, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def publicised(closed_world):  # noqa: F811 - the fixture imported above
    w = closed_world
    made = submitted(w)
    window_over(w)
    publicise(w)
    return {**w, "result": made, "archive": export.archive_of(w["meeting"])}


def forged(data: dict) -> dict:
    """Every counted ballot's answers flipped (yes <-> no), then the Merkle root and the result
    recomputed: an archive consistent with itself that is not the published one."""
    flip = {"yes": "no", "no": "yes"}
    out = json.loads(json.dumps(data))
    for b in out["ballots"]:
        b["answers"] = {k: flip.get(v, v) if isinstance(v, str) else v for k, v in b["answers"].items()}
    out["merkle_root"] = merkle.root(out["ballots"])
    out["result"] = archive.recompute(out)
    assert out["merkle_root"] != data["merkle_root"]
    assert archive.check(out).ok  # consistent: the self-check alone passes it
    return out


def client_opener(client: Client):
    """urllib's ``urlopen`` answered by Django's test client: the boundary where the network is."""

    def opener(request, timeout):
        assert timeout > 0
        parts = urllib.parse.urlsplit(request.full_url)
        response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        if response.status_code != 200:
            raise urllib.error.HTTPError(request.full_url, response.status_code, "error", {}, None)
        return io.BytesIO(response.content)

    return opener


def page_url(w: dict) -> str:
    return f"https://ownervote.example/p/meetings/{w['meeting'].pk}/result/"


def run(path: Path, **options) -> tuple[int, str]:
    out = io.StringIO()
    return cli.run(str(path), out=out, **options), out.getvalue()


# --- the endpoint --------------------------------------------------------------------------------


def test_the_published_root_is_public_json_per_version(publicised, client):  # R-RES-4
    w = publicised
    response = client.get(f"/p/meetings/{w['meeting'].pk}/result/v1/root.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["merkle_root"] == w["result"].merkle_root == w["archive"]["merkle_root"]
    assert (body["version"], body["result_digest"], body["current"]) == (1, w["result"].digest, True)
    assert client.get(f"/p/meetings/{w['meeting'].pk}/result/v2/root.json").status_code == 404


def test_no_published_root_before_the_publicity(closed_world, client):  # noqa: F811 - R-RES-4
    submitted(closed_world)
    assert client.get(f"/p/meetings/{closed_world['meeting'].pk}/result/v1/root.json").status_code == 404


def test_the_public_page_links_the_published_root(publicised, client):  # R-RES-4
    page = client.get(f"/p/meetings/{publicised['meeting'].pk}/result/").content.decode()
    assert 'id="rp-root-json"' in page and "/result/v1/root.json" in page


# --- --expect-root ---------------------------------------------------------------------------------


def test_a_forged_consistent_archive_fails_with_the_published_root(publicised, tmp_path):  # R-SEC-5 R-RES-4
    w = publicised
    path = write(tmp_path / "forged.json", forged(w["archive"]))
    status, out = run(path)  # today: consistent, so it passed; still 0 without a published root
    assert status == cli.OK and "不能证明它就是公示的那一份" in out
    status, out = run(path, expect_root=w["result"].merkle_root)
    assert status == cli.DIFFERS, out
    assert "与公示比对：不一致" in out and w["result"].merkle_root in out


def test_the_genuine_archive_passes_with_the_published_root(publicised, tmp_path):  # R-SEC-5 R-RES-4
    w = publicised
    path = write(tmp_path / "archive.json", w["archive"])
    status, out = run(path, expect_root=w["result"].merkle_root.upper())
    assert status == cli.OK, out
    assert "与公示比对：一致" in out and "不能证明" not in out


def test_expect_root_on_the_command_line(publicised, tmp_path):  # R-SEC-5 R-RES-4
    w = publicised
    root = w["result"].merkle_root
    forged_path = write(tmp_path / "forged.json", forged(w["archive"]))
    genuine_path = write(tmp_path / "archive.json", w["archive"])
    bad = verify(forged_path, "--expect-root", root)
    assert bad.returncode == 1 and "与公示比对：不一致" in bad.stdout, bad.stdout + bad.stderr
    good = verify(genuine_path, "--expect-root", root)
    assert good.returncode == 0 and "与公示比对：一致" in good.stdout, good.stdout + good.stderr
    wrong = verify(genuine_path, "--expect-root", "not-a-root")
    assert wrong.returncode == 2 and "64 位十六进制" in wrong.stderr
    english = verify(forged_path, "--expect-root", root, "--lang", "en")
    assert english.returncode == 1 and "Published root: DIFFERS" in english.stdout


# --- --public-url ----------------------------------------------------------------------------------


def test_a_forged_archive_fails_against_the_public_page(publicised, tmp_path, client):  # R-SEC-5 R-RES-4
    w = publicised
    opener = client_opener(client)
    path = write(tmp_path / "forged.json", forged(w["archive"]))
    status, out = run(path, public_url=page_url(w), opener=opener)
    assert status == cli.DIFFERS, out
    assert "与公示比对：不一致" in out and f"/p/meetings/{w['meeting'].pk}/result/v1/root.json" in out
    genuine = write(tmp_path / "archive.json", w["archive"])
    for url in (page_url(w), page_url(w) + "?code=X", page_url(w) + "v1/root.json"):
        status, out = run(genuine, public_url=url, opener=opener)
        assert status == cli.OK and "与公示比对：一致" in out, (url, out)


def test_an_archive_of_another_version_than_the_published_json(publicised, tmp_path, client):  # R-SEC-5
    w = publicised
    data = {**w["archive"], "result_version": 2}
    path = write(tmp_path / "v2.json", data)
    status, out = run(path, public_url=page_url(w) + "v1/root.json", opener=client_opener(client))
    assert status == cli.DIFFERS and "结果第 2 版" in out and "第 1 版" in out, out
    status, out = run(path, public_url=page_url(w), opener=client_opener(client))  # v2 not publicised
    assert status == cli.UNCHECKED and "404" in out, out


class _Root(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        if not self.path.endswith("/v1/root.json"):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def test_public_url_on_the_command_line_over_http(publicised, tmp_path, client):  # R-SEC-5 R-RES-4
    w = publicised
    json_path = urllib.parse.urlsplit(page_url(w)).path + "v1/root.json"
    handler = type("Root", (_Root,), {"body": client.get(json_path).content})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/p/meetings/{w['meeting'].pk}/result/"
    try:
        bad = verify(write(tmp_path / "forged.json", forged(w["archive"])), "--public-url", url)
        good = verify(write(tmp_path / "archive.json", w["archive"]), "--public-url", url)
    finally:
        server.shutdown()
        server.server_close()
    assert bad.returncode == 1 and "与公示比对：不一致" in bad.stdout, bad.stdout + bad.stderr
    assert good.returncode == 0 and "与公示比对：一致" in good.stdout, good.stdout + good.stderr


def test_offline_the_comparison_is_reported_as_not_done(publicised, tmp_path):  # R-SEC-5 R-RES-4
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = write(tmp_path / "archive.json", publicised["archive"])
    run_ = verify(path, "--public-url", f"http://127.0.0.1:{port}/p/meetings/1/result/")
    assert run_.returncode == 3, run_.stdout + run_.stderr
    assert "与公示比对：未能完成" in run_.stdout and "网络不通或超时" in run_.stdout
    assert "Traceback" not in run_.stderr
    not_http = verify(path, "--public-url", "file:///etc/passwd")
    assert not_http.returncode == 3 and "http://" in not_http.stdout


def test_the_fetch_uses_a_timeout_and_reports_garbage(publicised):  # R-SEC-5
    seen = {}

    def opener(request, timeout):
        seen["timeout"] = timeout
        return io.BytesIO(b"<html>not json</html>")

    with pytest.raises(published.Unavailable) as caught:
        published.fetch_published("https://x.example/p/meetings/1/result/", version=1, opener=opener)
    assert caught.value.code == "json" and seen["timeout"] == published.TIMEOUT

    def timing_out(request, timeout):
        raise TimeoutError("timed out")

    with pytest.raises(published.Unavailable) as caught:
        published.fetch_published("https://x.example/r.json", version=1, opener=timing_out)
    assert caught.value.code == "network"


# --- neither: what to compare by hand ---------------------------------------------------------------


def test_without_a_published_root_the_verifier_says_what_to_compare(publicised, tmp_path):  # R-SEC-5 R-RES-4
    w = publicised
    run_ = verify(write(tmp_path / "archive.json", w["archive"]))
    assert run_.returncode == 0  # the exit status still says only that the archive is consistent
    assert "不能证明它就是公示的那一份" in run_.stdout
    hint = next(line for line in run_.stdout.splitlines() if line.startswith("请逐字比对"))
    assert w["result"].merkle_root in hint and f"/p/meetings/{w['meeting'].pk}/result/" in hint
    assert "全部计入表决票的默克尔根" in hint and "--public-url" in hint
    english = verify(write(tmp_path / "archive.json", w["archive"]), "--lang", "en")
    assert "Merkle root of all counted ballots" in english.stdout and "not that it" in english.stdout
