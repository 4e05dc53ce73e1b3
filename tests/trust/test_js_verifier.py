"""The browser verifier and ``python -m ownervote.verify`` agree (SPEC R-TRUST-4, R-RES-4).

The browser verifier's core (``results/static/results/verify/core.js``) was written from
docs/ARCHIVE.md alone; here it runs under Node 20 (``tests/trust/run_js_verifier.mjs``) on every
archive the suite makes and must say, line by line, what the Python verifier says: the Merkle root,
the whole (totals, participation, quorum), each item with the same differences, and the same
ballots for a receipt. The archives: the pure situations of ``tests/trust/archives.py`` (随多数,
ties, owners of several flats, conflicts, boundaries, no quorum), random ones (Hypothesis), and
archives the server exports from meetings built with the project's factories (electronic and
paper ballots, a corrected result, the demo with its proxy, an item for one building). Items for
part of the estate (R-MTG-9) are recounted over their scope by both, and the proof of service of
the notice (R-MTG-10) is checked by both. Tampered variants (answers, roots, totals, scopes, a
listed threshold, service records and their digest) are rejected by both, the same ones.

Node is needed: without it these tests are skipped with the reason, except on CI (``CI=true``),
where its absence fails them (.ci/run installs Debian's nodejs)."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings

from ownervote.results.services import corrections, export, results
from ownervote.verify import archive as verifier
from ownervote.verify import merkle
from ownervote.voting.models import Submission
from ownervote.voting.services import paper
from tests.results import test_verify as demo_archive
from tests.results.test_corrections import REASON, enter
from tests.results.test_scoped_items import _generated_archive, scoped_world  # noqa: F401
from tests.results.test_services import closed_world, publicise, submitted, window_over  # noqa: F401
from tests.trust import archives
from tests.voting.conftest import make_voting_meeting, voting_world  # noqa: F401
from tests.voting.paper_fixtures import open_session

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "tests" / "trust" / "run_js_verifier.mjs"
NODE = shutil.which("node")


def node() -> str:
    if NODE:
        return NODE
    if os.environ.get("CI") == "true":
        pytest.fail("node is not installed: the browser verifier (R-TRUST-4) cannot be checked on CI")
    pytest.skip("node (Node 20) is not installed: the browser verifier's core cannot run here")


def write(data, directory: Path, name: str = "archive.json") -> Path:
    path = directory / name
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    return path


def js(path: Path, *args: str) -> tuple[int, dict]:
    run = subprocess.run(  # noqa: S603 - node and our runner, fixed arguments
        [node(), str(RUNNER), str(path), *args], capture_output=True, text=True, encoding="utf-8", timeout=60
    )
    assert run.returncode in (0, 1, 2), run.stderr
    return run.returncode, json.loads(run.stdout)


def _value(v) -> str:
    return json.dumps(v, sort_keys=True, ensure_ascii=False)


def _line(line) -> dict:
    diffs = sorted((d.path, _value(d.archived), _value(d.recomputed)) for d in line.differences)
    out = {
        "kind": line.kind,
        "label": line.label,
        "position": line.position,
        "ok": line.ok,
        "differences": diffs,
    }
    if line.kind in ("merkle", "services"):
        out.update(archived=line.archived, recomputed=line.recomputed)
    return out


def py(data) -> dict:
    """The Python verifier's findings in the runner's form."""
    try:
        report = verifier.check(copy.deepcopy(data))
    except verifier.Unreadable as exc:
        return {"readable": False, "code": exc.code}
    return {"readable": True, "ok": report.ok, "lines": [_line(line) for line in report.lines]}


def js_form(out: dict) -> dict:
    if not out["readable"]:
        return {"readable": False, "code": out["code"]}
    lines = []
    for line in out["lines"]:
        diffs = sorted(
            (d["path"], _value(d["archived"]), _value(d["recomputed"])) for d in line["differences"]
        )
        one = {k: line[k] for k in ("kind", "label", "position", "ok")} | {"differences": diffs}
        if line["kind"] in ("merkle", "services"):
            one.update(archived=line["archived"], recomputed=line["recomputed"])
        lines.append(one)
    return {"readable": True, "ok": all(line["ok"] for line in lines), "lines": lines}


def agree(data, directory: Path) -> dict:
    """Both verifiers on one archive: the same findings, line by line, difference by difference."""
    status, out = js(write(data, directory))
    expected = py(data)
    assert js_form(out) == expected
    assert status == (2 if not expected["readable"] else 0 if expected["ok"] else 1)
    return expected


def receipts_agree(data, directory: Path, prefix: str) -> list[dict]:
    _, out = js(write(data, directory), "--receipt", prefix)
    counted, superseded = verifier.find_receipt(data, prefix)
    assert (out["receipt"]["counted"], out["receipt"]["superseded"]) == (counted, superseded)
    return counted


# --- (a) every archive: both accept, the same figures ------------------------------------------


@pytest.mark.parametrize("case", list(archives.CASES))
def test_both_verifiers_accept_each_situation_alike(case, tmp_path):  # R-TRUST-4 R-TALLY-1..9
    data = archives.CASES[case]()
    assert agree(data, tmp_path)["ok"]
    # and the figures themselves: the core's recount is the archive's result, key for key
    _, out = js(write(data, tmp_path))
    assert all(line["ok"] for line in out["lines"])


def test_the_situations_are_what_they_say():  # R-TALLY-4 R-TALLY-7 R-TALLY-9: the corpus covers them
    tie = archives.CASES["election tie for the last seat"]()["result"]["items"][1]
    assert (tie["elected"], tie["tie"], tie["seats_unfilled"]) == ([31], [32, 33], 1)
    follow = archives.CASES["follow majority"]()["result"]
    assert follow["follow_majority"] and [i["followed"] for i in follow["items"]] == ["yes", "candidates"]
    several = archives.CASES["owners of several flats and a conflict"]()
    assert several["result"]["conflicts"] == 1
    assert {b["channel"] for b in several["ballots"]} == {"electronic", "paper"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=archives.generated())
def test_random_meetings_agree(data):  # R-TRUST-4 R-TALLY-5: exact arithmetic on random areas
    with tempfile.TemporaryDirectory() as directory:
        assert agree(data, Path(directory))["ok"]


# --- (b) tampered archives: both reject, the same ones ------------------------------------------


def _altered_answer(data):
    ballot = next(b for b in data["ballots"] if b["answers"].get("1") == "yes")
    ballot["answers"]["1"] = "no"


def _forged_consistent_root(data):  # a flipped answer with the root recomputed: the result still differs
    _altered_answer(data)
    data["merkle_root"] = merkle.root(data["ballots"])


def _dropped_leaf(data):
    data["ballots"].pop(0)


def _reordered(data):
    data["ballots"].reverse()


def _altered_total(data):
    data["totals"]["owners"] += 3


def _altered_area(data):
    data["ballots"][0]["area"] = str(float(data["ballots"][0]["area"]) + 1)


def _altered_result(data):
    data["result"]["items"][0]["answers"]["yes"]["owners"] += 1


def _altered_root(data):
    data["merkle_root"] = "0" * 64


def _altered_receipt(data):
    ballot = next(b for b in data["ballots"] if b["receipt"])
    ballot["receipt"] = "f" * 64


def _altered_category(data):  # category 1 -> 7: the threshold the law gives it changes
    data["items"][0]["category"] = 7


def _altered_threshold(data):  # the listed threshold alone: neither the category nor the result
    data["items"][0]["threshold"] = "three_quarters"


def _altered_election(data):
    data["result"]["items"][1]["elected"] = [*reversed(data["result"]["items"][1]["elected"]), 99]


TAMPERED = {
    "an altered answer": _altered_answer,
    "an altered answer, root recomputed": _forged_consistent_root,
    "a dropped leaf": _dropped_leaf,
    "reordered ballots": _reordered,
    "an altered total": _altered_total,
    "an altered area": _altered_area,
    "an altered result figure": _altered_result,
    "an altered root": _altered_root,
    "an altered receipt": _altered_receipt,
    "an altered category": _altered_category,
    "an altered listed threshold": _altered_threshold,
    "an altered election outcome": _altered_election,
}


@pytest.mark.parametrize("how", list(TAMPERED))
def test_both_reject_the_same_tampered_archives(how, tmp_path):  # R-TRUST-4 R-RES-4
    data = archives.CASES["election tie for the last seat"]()
    TAMPERED[how](data)
    found = agree(data, tmp_path)
    assert found["readable"] and not found["ok"]


def test_an_altered_threshold_is_named_by_both(tmp_path):  # R-TALLY-8 R-TRUST-4
    data = archives.CASES["an item for one building"]()
    data["items"][1]["threshold"] = "majority"  # category 6 implies three quarters
    found = agree(data, tmp_path)
    item = found["lines"][3]
    assert not item["ok"] and item["differences"] == [("items.threshold", '"majority"', '"three_quarters"')]
    assert all(line["ok"] for line in found["lines"][:3])


# --- (c) items for part of the estate (R-MTG-9): both recount the scope, both reject a moved flat --


def _scope(data) -> dict:
    return next(i for i in data["items"] if "scope" in i)["scope"]


def _voter(data, inside: bool) -> dict:
    flats = {f["flat"] for f in _scope(data)["flats"]}
    return next(b for b in data["ballots"] if (b["flat"] in flats) == inside)


def _moved_out(data):
    voter = _voter(data, True)
    _scope(data)["flats"] = [f for f in _scope(data)["flats"] if f["flat"] != voter["flat"]]


def _moved_in(data):
    voter = _voter(data, False)
    entry = {k: voter[k] for k in ("flat", "owner", "area")}
    _scope(data)["flats"] = sorted([*_scope(data)["flats"], entry], key=lambda f: f["flat"])


def _scope_total(data):
    item = next(i for i in data["result"]["items"] if "scope_totals" in i)
    item["scope_totals"]["owners"] += 1


def _scope_total_and_root(data):  # the scope's totals agree with a dropped non-voter; the result not
    voter = {b["flat"] for b in data["ballots"]}
    _scope(data)["flats"] = [f for f in _scope(data)["flats"] if f["flat"] in voter]


def _scope_flat_area(data):
    voter = _voter(data, True)
    entry = next(f for f in _scope(data)["flats"] if f["flat"] == voter["flat"])
    entry["area"] = str(float(entry["area"]) + 10)


def _scope_flat_owner(data):
    voter = _voter(data, True)
    entry = next(f for f in _scope(data)["flats"] if f["flat"] == voter["flat"])
    entry["owner"] = archives.pseudonym("O", "somebody else")


SCOPE_TAMPERED = {
    "a voting flat moved out of the scope": _moved_out,
    "a voting flat moved into the scope": _moved_in,
    "a scope total altered": _scope_total,
    "the non-voters dropped from the scope": _scope_total_and_root,
    "a scope flat's area altered": _scope_flat_area,
    "a scope flat's owner altered": _scope_flat_owner,
}


@pytest.mark.parametrize("case", ["an item for one building", "follow majority with a scope"])
@pytest.mark.parametrize("how", list(SCOPE_TAMPERED))
def test_both_reject_an_altered_scope(case, how, tmp_path):  # R-MTG-9 R-TRUST-4 R-ROSTER-3
    data = archives.CASES[case]()
    SCOPE_TAMPERED[how](data)
    found = agree(data, tmp_path)
    assert found["readable"] and not found["ok"]
    assert found["lines"][0]["ok"] and found["lines"][1]["ok"]  # the root and the whole are intact


def test_the_scoped_situations_are_what_they_say():  # R-MTG-9 R-ROSTER-3 R-TALLY-7 R-TALLY-9
    building = archives.CASES["an item for one building"]()["result"]["items"][1]
    assert building["scope_totals"] == {"area": "484", "owners": 7, "flats": 8}
    assert (building["participating"]["area"], building["participating"]["owners"]) == ("363", 5)
    flats = archives.CASES["an item for a list of flats"]()["result"]
    assert flats["conflicts"] == 1 and flats["items"][0]["scope_totals"]["owners"] == 5
    follow = archives.CASES["follow majority with a scope"]()["result"]["items"][1]
    assert follow["followed"] == "yes" and follow["nonvoters"] == {"area": "121", "owners": 2}
    mixed = archives.CASES["a mixed meeting"]()["result"]["items"]
    assert ["scope_totals" in i for i in mixed] == [False, True, True, True]


@pytest.mark.parametrize(
    "scope", [[], "2栋", {"flats": {}}, {"flats": [{"flat": 1, "owner": "O", "area": "1"}]}]
)
def test_an_unreadable_scope_is_unreadable_for_both(scope, tmp_path):  # R-MTG-9 R-TRUST-4
    data = archives.CASES["an item for one building"]()
    data["items"][1]["scope"] = scope
    assert agree(data, tmp_path) == {"readable": False, "code": "content"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{not json", "json"),
        (json.dumps({"format": "something else", "version": 1}), "format"),
        (json.dumps({"format": "ownervote.archive", "version": 2}), "version"),
        (json.dumps({"format": "ownervote.archive", "version": 1, "items": {}}), "content"),
    ],
)
def test_both_refuse_what_is_not_an_archive(text, code, tmp_path):  # R-TRUST-4
    status, out = js(write(text, tmp_path))
    with pytest.raises(verifier.Unreadable) as refused:
        verifier.validate(json.loads(text)) if code != "json" else verifier.load(write(text, tmp_path))
    assert (status, out["code"], refused.value.code) == (2, code, code)


def test_an_unreadable_area_is_unreadable_for_both(tmp_path):  # R-TRUST-4 R-TALLY-5: never a float
    data = archives.CASES["no quorum"]()
    data["ballots"][0]["area"] = 98.5
    assert agree(data, tmp_path) == {"readable": False, "code": "content"}


def test_receipts_are_found_alike(tmp_path):  # R-TRUST-4 R-VOTE-3
    data = archives.CASES["owners of several flats and a conflict"]()
    multi = next(b for b in data["ballots"] if b["owner"] == archives.pseudonym("O", "multi"))
    found = receipts_agree(data, tmp_path, multi["receipt"][:10].upper())
    assert found and all(b["receipt"] == multi["receipt"] for b in found)
    assert receipts_agree(data, tmp_path, "deadbeef" * 8) == []


# --- (d) the proof of service of the notice (R-MTG-10): both check it, both reject the same ------


def _dropped_service(data):
    data["services"].pop(3)


def _altered_service(data):
    data["services"][0]["at"] = "2027-03-01 07:15"  # still well formed and in order: the digest differs


def _reordered_services(data):
    data["services"].reverse()


def _eighth_key(data):
    data["services"][1]["owner"] = "O-0000000000000000"


def _bad_channel(data):
    data["services"][2]["channel"] = "letter"


def _altered_digest(data):
    data["services_digest"] = "0" * 64


def _paper_without_photo(data):
    paper = next(r for r in data["services"] if r["channel"] == "paper_posted")
    paper["photo"] = ""


def _place_on_sms(data):
    sms = next(r for r in data["services"] if r["channel"] == "sms_sent")
    sms["place"] = "3栋大堂公告栏"


def _version_zero(data):
    data["services"][0]["version"] = 0


def _time_with_seconds(data):
    data["services"][0]["at"] += ":00"


def _flat_with_a_newline(data):
    data["services"][0]["flat"] += "\n"


def _not_an_object(data):
    data["services"][0] = ["not", "a", "record"]


def _no_digest(data):
    del data["services_digest"]


def _no_records(data):
    del data["services"]


SERVICE_TAMPERED = {
    "a record dropped": _dropped_service,
    "a record altered": _altered_service,
    "the records reordered": _reordered_services,
    "an eighth key": _eighth_key,
    "a bad channel": _bad_channel,
    "the digest altered": _altered_digest,
    "a paper record without its photo": _paper_without_photo,
    "a place on an SMS record": _place_on_sms,
    "version 0": _version_zero,
    "a time with seconds": _time_with_seconds,
    "a flat with a trailing newline": _flat_with_a_newline,
    "a record that is not an object": _not_an_object,
    "the digest without records": _no_records,
    "the records without a digest": _no_digest,
}


@pytest.mark.parametrize("how", list(SERVICE_TAMPERED))
def test_both_reject_the_same_altered_services(how, tmp_path):  # R-MTG-10 R-TRUST-4
    data = archives.CASES["follow majority with the notice served"]()
    SERVICE_TAMPERED[how](data)
    found = agree(data, tmp_path)
    assert found["readable"] and not found["ok"]
    assert all(line["ok"] for line in found["lines"][:-1])  # the root, the whole and the items intact
    assert found["lines"][-1]["kind"] == "services"


def test_the_services_lines_are_what_they_say(tmp_path):  # R-MTG-10 R-TRUST-4
    data = archives.CASES["follow majority with the notice served"]()
    assert {r["channel"] for r in data["services"]} == {
        "inbox_read",
        "sms_sent",
        "wechat_sent",
        "paper_posted",
    }
    paper = next(r for r in data["services"] if r["channel"] == "paper_posted")
    assert paper["place"] == "3栋大堂公告栏" and len(paper["photo"]) == 64
    line = agree(data, tmp_path)["lines"][-1]
    assert (line["kind"], line["label"], line["ok"]) == ("services", str(len(data["services"])), True)
    assert line["recomputed"] == data["services_digest"]
    _eighth_key(data)
    assert agree(data, tmp_path)["lines"][-1]["differences"] == [("services[1].keys", "null", "null")]
    data = archives.CASES["follow majority with the notice served"]()
    _reordered_services(data)
    assert agree(data, tmp_path)["lines"][-1]["differences"] == [("services.order", "null", "null")]
    data = archives.CASES["follow majority with the notice served"]()
    _bad_channel(data)
    assert agree(data, tmp_path)["lines"][-1]["differences"] == [("services[2].channel", '"letter"', "null")]
    # an archive exported before R-MTG-10 has neither key and no services line
    del data["services"], data["services_digest"]
    assert [line["kind"] for line in agree(data, tmp_path)["lines"]] == ["merkle", "overall", "item", "item"]


# --- archives of meetings made with the project's factories -------------------------------------


def _cli(path: Path, *args: str) -> int:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | {"PYTHONPATH": "src"}
    return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "ownervote.verify", str(path), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    ).returncode


def published_agree(data, published: dict, directory: Path) -> bool:
    """Both verifiers against the published root: ``--expect-root`` for Python, root.json for the
    core (which also compares the recount with the published result)."""
    path = write(data, directory)
    status, out = js(path, "--published", str(write(published, directory, "root.json")))
    python = _cli(path, "--expect-root", published["merkle_root"])
    assert (status == 0) == (python == 0), (status, python, out.get("published"))
    return status == 0


def test_a_factory_meeting_and_its_correction_agree(closed_world, tmp_path):  # noqa: F811 - R-TRUST-4 R-SEC-6
    """Electronic and paper ballots, a publicised version checked against its published root and
    result (root.json), then a correction with a late paper ballot: version 2 agrees too."""
    w = closed_world
    meeting = w["meeting"]
    submitted(w)
    window_over(w)
    publicise(w)
    data = export.archive_of(meeting)
    assert agree(data, tmp_path)["ok"]
    assert agree(data, tmp_path)["lines"][-1]["kind"] == "services"  # R-MTG-10, whatever reached the flats
    response = Client().get(f"/p/meetings/{meeting.pk}/result/v1/root.json")
    published = response.json()
    assert published["result"] == data["result"]
    assert published_agree(data, published, tmp_path)
    assert not published_agree(data, {**published, "merkle_root": "0" * 64}, tmp_path)
    digest = Submission.objects.get(meeting=meeting, user=w["zhang"]).digest
    assert len(receipts_agree(data, tmp_path, digest[:8])) == 1

    corrections.correction_start(actor=w["convener"], meeting_id=meeting.pk, reason=REASON)
    session = open_session(w["convener"], meeting)
    enter(w, session)
    paper.session_commit(actor=w["convener"], session_id=session.pk)
    v2 = results.result_generate(actor=w["convener"], meeting_id=meeting.pk)
    corrected = export.archive_of(meeting, v2)
    assert {b["channel"] for b in corrected["ballots"]} == {"electronic", "paper"}
    assert corrected["result_version"] == 2 and agree(corrected, tmp_path)["ok"]
    # the corrected archive is not the published version 1
    assert not published_agree(corrected, published, tmp_path)
    paper_ballot = next(b for b in corrected["ballots"] if b["channel"] == "paper")
    first = str(corrected["items"][0]["id"])
    paper_ballot["answers"][first] = "no" if paper_ballot["answers"].get(first) == "yes" else "yes"
    assert not agree(corrected, tmp_path)["ok"]


def test_the_demo_archive_agrees(db, tmp_path):  # R-TRUST-4: 300 paper ballots, electronic, a proxy
    if "demo" not in demo_archive._CACHE:
        demo_archive._CACHE["demo"] = demo_archive._build_demo()
    built = demo_archive._CACHE["demo"]
    data = copy.deepcopy(built["data"])
    assert agree(data, tmp_path)["ok"]
    assert len(receipts_agree(data, tmp_path, built["receipt"][:12])) == built["receipt_flats"]
    data["ballots"][5]["answers"] = {}
    assert not agree(data, tmp_path)["ok"]


def test_a_factory_meeting_with_an_item_for_one_building_agrees(scoped_world, tmp_path):  # noqa: F811 - R-TRUST-4 R-MTG-9
    """The server's archive of a meeting with an estate-wide item and 2栋's lift (the developer's
    two flats in it one owner, 赵六 in and out of it): the core recounts the lift over 2栋."""
    data = _generated_archive(scoped_world)
    assert "scope" in data["items"][1] and agree(data, tmp_path)["ok"]
    data["items"][1]["scope"]["flats"].pop(0)
    found = agree(data, tmp_path)
    assert [line["ok"] for line in found["lines"]] == [True, True, True, False, True]
    assert found["lines"][-1]["kind"] == "services"  # R-MTG-10: the proof of service, intact
