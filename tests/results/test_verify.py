"""``python -m ownervote.verify`` recounts the DEMO meeting's archive without the server (R-RES-4,
art. 27: results are kept for good and can be checked by all parties), and catches a single change
to a ballot, a dropped ballot and an altered total; it never imports Django.

The demo is seeded once per test session (``ownervote.demo.seed``, the whole story as ``make run``
replays it); its archive is plain JSON, so the tests after the first reuse it."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ownervote.results.services import export
from ownervote.verify import merkle

ROOT = Path(__file__).resolve().parents[2]
_CACHE: dict = {}


def _build_demo() -> dict:
    from ownervote.demo import links, seed
    from ownervote.identity.accounts import find_by_mobile
    from ownervote.results.models import Result
    from ownervote.roster import demo as roster_demo
    from ownervote.voting.models import RollFlat, Submission

    seed.seed()
    meeting = links.demo_meetings()["result"]
    assert meeting is not None and meeting.title.startswith("深圳湾畔花园")
    result = Result.objects.get(meeting=meeting, superseded_at__isnull=True)
    signed_in = roster_demo.demo_owners()[0]
    submission = Submission.objects.get(meeting=meeting, user=find_by_mobile(signed_in.person.mobile))
    rows = roster_demo.build_demo_roster_rows()
    candidates = {c["name"] for item in result.content["items"] for c in item["candidates"]}
    names = {n for r in rows for n in r["业主姓名"].split("、")} - candidates
    labels = {
        f"{r.building.name}-{r.flat.room}"
        for r in RollFlat.objects.filter(meeting=meeting).select_related("flat", "building")
    }
    return {
        "data": export.archive_of(meeting),
        "merkle_root": result.merkle_root,
        "digest": result.digest,
        "receipt": submission.digest,
        "receipt_flats": len(signed_in.flats),
        "names": names,
        "labels": labels,
        "title": meeting.title,
        "item_titles": [i["title"] for i in result.content["items"]],
    }


@pytest.fixture
def demo(db, tmp_path):
    if "demo" not in _CACHE:
        _CACHE["demo"] = _build_demo()
    built = _CACHE["demo"]
    data = copy.deepcopy(built["data"])
    return {**built, "data": data, "path": write(tmp_path / "archive.json", data)}


def write(path: Path, data: dict) -> Path:
    path.write_bytes(export.to_bytes(data))
    return path


def verify(path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(PYTHONPATH="src", PYTHONIOENCODING="utf-8")
    return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "ownervote.verify", str(path), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def item_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if re.match(r"^第\d+项 ", line)]


def line_of(out: str, start: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(start))


def test_the_demo_archive_verifies(demo):  # R-RES-4, R-TALLY-1..9 (recomputed by the pure rules)
    run = verify(demo["path"])
    assert run.returncode == 0, run.stdout + run.stderr
    lines = item_lines(run.stdout)
    assert len(lines) == len(demo["item_titles"]) == 3
    for title, line in zip(demo["item_titles"], lines, strict=True):
        assert title in line and "：一致" in line, line
    assert line_of(run.stdout, "默克尔根").startswith(f"默克尔根：一致（{demo['merkle_root']}）")
    assert "：一致" in line_of(run.stdout, "总体")
    assert demo["title"] in run.stdout
    assert "不一致" not in run.stdout
    # the demo's ballots: four electronic submissions (five flats), the rest on paper, enough for
    # the quorum (R-TALLY-2) so that the demo shows decided items
    ballots = demo["data"]["ballots"]
    assert [b["channel"] for b in ballots].count("electronic") == 5
    assert [b["channel"] for b in ballots].count("paper") > 300
    result = demo["data"]["result"]
    assert result["quorum"] == {"area": True, "owners": True}
    passed = [r["passed"] for r in result["items"] if r["kind"] == "question"]
    assert passed == [False, True]  # item 1 (category 7) needs three quarters and falls short
    assert len(result["items"][2]["elected"]) == 2


def test_the_archive_carries_the_results_merkle_root(demo):  # R-RES-4
    data = demo["data"]
    assert data["format"] == "ownervote.archive" and data["version"] == 1
    assert data["merkle_root"] == demo["merkle_root"] == merkle.root(data["ballots"])
    assert data["result_digest"] == demo["digest"] and data["result_version"] == 1
    assert data["totals"]["snapshot"]["id"]
    assert data["result"]["totals"] == {k: data["totals"][k] for k in ("area", "owners", "flats")}


def test_flats_and_owners_appear_only_as_pseudonyms(demo):  # R-RES-4, R-SEC-1
    text = demo["path"].read_text(encoding="utf-8")
    for b in demo["data"]["ballots"] + demo["data"]["superseded"]:
        assert set(b) == {"flat", "owner", "area", "channel", "receipt", "partial", "answers"}
        assert re.fullmatch(r"F-[0-9a-f]{16}", b["flat"]) and re.fullmatch(r"O-[0-9a-f]{16}", b["owner"])
    assert "栋" not in text
    assert not [label for label in demo["labels"] if label in text]
    assert not [name for name in demo["names"] if name in text]
    assert '"flat_id"' not in text and '"room"' not in text


def test_one_altered_answer_is_caught(demo, tmp_path):  # R-RES-4
    data = demo["data"]
    first = data["items"][0]
    ballot = next(b for b in data["ballots"] if b["answers"].get(str(first["id"])) == "yes")
    ballot["answers"][str(first["id"])] = "no"
    run = verify(write(tmp_path / "altered.json", data))
    assert run.returncode == 1, run.stdout
    assert "默克尔根：不一致" in run.stdout
    first_line, *others = item_lines(run.stdout)
    assert first["title"] in first_line and "：不一致" in first_line
    assert all("：一致" in line for line in others)
    # what differs is named (the first few differences, in key order: which answers come first
    # depends on whether the ballot's owner has other flats)
    assert re.search(r"answers\.(abstain|no|yes)\.(area|owners)", run.stdout), run.stdout.splitlines()


def test_a_dropped_ballot_is_caught(demo, tmp_path):  # R-RES-4
    data = demo["data"]
    # A ballot whose owner has no other counted ballot, so that the owners who took part change too
    # (the archive's order follows per-meeting pseudonyms: the first ballot may be a co-owned flat's).
    owners = [b["owner"] for b in data["ballots"]]
    alone = next(i for i, b in enumerate(data["ballots"]) if owners.count(b["owner"]) == 1)
    data["ballots"].pop(alone)
    run = verify(write(tmp_path / "dropped.json", data))
    assert run.returncode == 1, run.stdout
    assert "默克尔根：不一致" in run.stdout
    assert "不一致" in line_of(run.stdout, "总体") and "participating.owners" in run.stdout


def test_an_altered_total_is_caught(demo, tmp_path):  # R-RES-4, R-TALLY-2
    data = demo["data"]
    data["totals"]["owners"] -= 100
    run = verify(write(tmp_path / "totals.json", data))
    assert run.returncode == 1, run.stdout
    assert "默克尔根：一致" in run.stdout  # the ballots are untouched
    overall = run.stdout.split("\n")
    assert "不一致" in line_of(run.stdout, "总体") and "totals.owners" in run.stdout, overall
    assert all("：不一致" in line for line in item_lines(run.stdout))  # every share of the total changed


def test_an_altered_archived_result_is_caught(demo, tmp_path):  # R-RES-4
    data = demo["data"]
    data["result"]["items"][1]["answers"]["yes"]["owners"] += 1
    run = verify(write(tmp_path / "result.json", data))
    assert run.returncode == 1
    lines = item_lines(run.stdout)
    assert "：不一致" in lines[1] and "：一致" in lines[0] and "：一致" in lines[2]


def test_the_owner_finds_their_receipt(demo):  # R-RES-4, R-VOTE-3
    run = verify(demo["path"], "--receipt", demo["receipt"][:12])
    assert run.returncode == 0, run.stdout
    assert f"已计入（{demo['receipt_flats']} 户）" in run.stdout
    assert run.stdout.count(f"选票哈希 {demo['receipt']}") == demo["receipt_flats"]
    missing = next(p for p in ("00000000", "ffffffff") if not demo["receipt"].startswith(p))
    run = verify(demo["path"], "--receipt", missing)
    assert run.returncode == 1 and "未找到" in run.stdout


def test_english_messages(demo):
    run = verify(demo["path"], "--lang", "en")
    assert run.returncode == 0
    assert "Merkle root: matches" in run.stdout and "matches" in item_lines_en(run.stdout)[0]


def item_lines_en(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("Item ")]


def test_unreadable_archives(tmp_path):  # R-RES-4
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json", encoding="utf-8")
    assert verify(garbage).returncode == 2
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "something.else", "version": 1}), encoding="utf-8")
    run = verify(other)
    assert run.returncode == 2 and "something.else" in run.stdout
    assert verify(tmp_path / "missing.json").returncode == 2


def test_the_verifier_never_imports_django(demo):  # R-RES-4: anybody can run it without the server
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['verify', {str(demo['path'])!r}]\n"
        "try:\n"
        "    runpy.run_module('ownervote.verify', run_name='__main__', alter_sys=True)\n"
        "except SystemExit as exc:\n"
        "    status = exc.code\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith(('django.', 'ninja')))\n"
        "print('EXIT', status, 'DJANGO', loaded)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(PYTHONPATH="src", PYTHONIOENCODING="utf-8")
    run = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert run.stdout.strip().splitlines()[-1] == "EXIT 0 DJANGO []", run.stdout + run.stderr
