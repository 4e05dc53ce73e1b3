"""Checking a result's archive (R-RES-4, art. 27; format in docs/ARCHIVE.md). Pure Python: no
Django, no database.

``check(archive)`` recomputes the Merkle root over the archive's counted ballots and the result,
with ``ownervote.rules.tally``, from the archive's items, totals, ballots and 随多数 setting, and
compares both with what the archive says: the whole (totals, participation, quorum) and each item.
An item for part of the estate (R-MTG-9) is recounted over the flats its ``scope`` lists: their
totals (``rules.counting.scope_totals``) and their ballots only; a listed flat whose area or owner
differs from its ballot's is reported on the item's line, and so is a listed ``threshold`` that is
not the one the item's category implies (R-TALLY-8).
``find_receipt(archive, prefix)`` finds the ballots whose receipt hash starts with ``prefix``.
``python -m ownervote.verify`` prints the outcome for people.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ownervote.rules import counting, tally

from . import merkle

FORMAT = "ownervote.archive"
VERSIONS = frozenset({1})
MAX_DIFFERENCES = 5  # per line: enough to see what differs


class Unreadable(Exception):
    """The file is not an archive this verifier can read. ``code``: ``file``, ``json``,
    ``format``, ``version`` or ``content``; ``detail`` for people."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Difference:
    path: str  # e.g. "answers.yes.area" or "candidates[周慧敏].owners"
    archived: object  # what the archive says (None: missing)
    recomputed: object  # what the ballots give (None: missing)


@dataclass(frozen=True)
class Line:
    """One checked part: ``kind`` is ``merkle``, ``overall`` or ``item``; ``label`` names it."""

    kind: str
    label: str
    ok: bool
    differences: tuple[Difference, ...] = ()
    archived: str = ""  # merkle: the archive's root
    recomputed: str = ""  # merkle: the recomputed root
    position: str = ""  # item: its number on the ballot


@dataclass
class Report:
    lines: list[Line] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(line.ok for line in self.lines)


# --- reading ---------------------------------------------------------------------------------


def load(path: str | Path) -> dict:
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise Unreadable("file", str(exc)) from exc
    try:
        data = json.loads(text.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Unreadable("json", str(exc)) from exc
    return validate(data)


def validate(data) -> dict:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Unreadable("format", str(data.get("format") if isinstance(data, dict) else type(data).__name__))
    if data.get("version") not in VERSIONS:
        raise Unreadable("version", str(data.get("version")))
    for key, kind in (
        ("items", list),
        ("totals", dict),
        ("ballots", list),
        ("result", dict),
        ("merkle_root", str),
    ):
        if not isinstance(data.get(key), kind):
            raise Unreadable("content", key)
    return data


# --- recomputing -----------------------------------------------------------------------------


def _decimal(value) -> Decimal:
    if isinstance(value, (float, bool)):
        raise Unreadable("content", f"area {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise Unreadable("content", f"area {value!r}") from exc


def scope_roll(item: dict) -> list[tuple[str, Decimal, str]] | None:
    """(flat, area, owner) of every flat an item's ``scope`` lists; None for the whole estate."""
    scope = item.get("scope")
    if scope is None:
        return None
    try:
        roll = [(f["flat"], _decimal(f["area"]), f["owner"]) for f in scope["flats"]]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Unreadable("content", f"scope: {exc}") from exc
    if not isinstance(scope["flats"], list) or not all(
        isinstance(f, str) and isinstance(o, str) for f, _a, o in roll
    ):
        raise Unreadable("content", "scope: a flat or owner is not a pseudonym")
    return roll


def _item(i: dict) -> tally.ItemSpec:
    roll = scope_roll(i)
    scope = scope_totals = None
    if roll is not None:
        scope = frozenset(flat for flat, _a, _o in roll)
        area, owners, flats = counting.scope_totals(roll, scope)
        scope_totals = tally.Totals(area=area, owners=owners, flats=flats)
    return tally.ItemSpec(
        id=int(i["id"]),
        kind=i["kind"],
        category=int(i["category"]),
        seats=i.get("seats"),
        candidates=tuple(int(c["id"]) for c in i.get("candidates") or ()),
        scope=scope,
        scope_totals=scope_totals,
    )


def _items(data: dict) -> list[tally.ItemSpec]:
    try:
        return [_item(i) for i in data["items"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise Unreadable("content", f"items: {exc}") from exc


def scope_differences(item: dict, ballots: list) -> tuple[Difference, ...]:
    """A flat the item's scope lists with another area or owner than its counted ballot."""
    roll = scope_roll(item)
    if roll is None:
        return ()
    by_flat = {str(b.get("flat")): b for b in ballots if isinstance(b, dict)}
    out = []
    for flat, area, owner in roll:
        b = by_flat.get(flat)
        if b is None:
            continue
        if _decimal(b.get("area")) != area or str(b.get("owner")) != owner:
            out.append(
                Difference(
                    f"scope.flats[{flat}]",
                    f"{tally.area_text(area)} {owner}",
                    f"{b.get('area')} {b.get('owner')}",
                )
            )
    return tuple(out[:MAX_DIFFERENCES])


def threshold_differences(item: dict) -> tuple[Difference, ...]:
    """The threshold the item lists when it is not the one its category implies (R-TALLY-8): the
    result is recomputed from the category, so a listed threshold altered alone would otherwise
    pass unseen while people read it."""
    try:
        implied = tally.threshold_of(int(item["category"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise Unreadable("content", f"items: {exc}") from exc
    listed = item.get("threshold")
    if listed == implied:
        return ()
    return (Difference("items.threshold", listed, implied),)


def _answers(raw: Mapping) -> dict[int, object]:
    return {int(k): v for k, v in raw.items()}


def _ballots(data: dict) -> list[tally.FlatBallot]:
    try:
        return [
            tally.FlatBallot(
                flat=str(b["flat"]),
                owner=str(b["owner"]),
                area=_decimal(b["area"]),
                answers=_answers(b["answers"]),
            )
            for b in data["ballots"]
        ]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Unreadable("content", f"ballots: {exc}") from exc


def _totals(data: dict) -> tally.Totals:
    t = data["totals"]
    try:
        return tally.Totals(area=_decimal(t["area"]), owners=int(t["owners"]), flats=int(t.get("flats") or 0))
    except (KeyError, TypeError, ValueError) as exc:
        raise Unreadable("content", f"totals: {exc}") from exc


def recompute(data: dict) -> dict:
    """The result (``tally.to_json``) the archive's ballots give."""
    follow = data.get("follow_majority", False)
    if not isinstance(follow, bool):
        raise Unreadable("content", "follow_majority")
    try:
        outcome = tally.tally(_totals(data), _items(data), _ballots(data), follow_majority=follow)
    except (TypeError, ValueError) as exc:
        raise Unreadable("content", str(exc)) from exc
    return tally.to_json(outcome)


# --- comparing -------------------------------------------------------------------------------


def candidate_names(data: dict) -> dict[int, str]:
    names = {}
    for item in data.get("items") or ():
        for c in item.get("candidates") or ():
            try:
                names[int(c["id"])] = str(c.get("name") or c["id"])
            except (KeyError, TypeError, ValueError):
                continue
    return names


def _diff(archived, recomputed, path: str, names: dict[int, str], out: list[Difference]) -> None:
    if isinstance(archived, dict) and isinstance(recomputed, dict):
        for key in list(archived) + [k for k in recomputed if k not in archived]:
            sub = f"{path}.{key}" if path else str(key)
            _diff(archived.get(key), recomputed.get(key), sub, names, out)
        return
    if (
        isinstance(archived, list)
        and isinstance(recomputed, list)
        and all(isinstance(x, dict) and "candidate" in x for x in archived + recomputed)
    ):
        a = {x["candidate"]: x for x in archived}
        r = {x["candidate"]: x for x in recomputed}
        for cid in list(a) + [c for c in r if c not in a]:
            _diff(a.get(cid), r.get(cid), f"{path}[{names.get(cid, cid)}]", names, out)
        order_a = [x["candidate"] for x in archived]
        order_r = [x["candidate"] for x in recomputed]
        if set(order_a) == set(order_r) and order_a != order_r:
            out.append(Difference(f"{path}.order", order_a, order_r))
        return
    if archived != recomputed or type(archived) is not type(recomputed):
        out.append(Difference(path, archived, recomputed))


def differences(archived, recomputed, names: dict[int, str] | None = None) -> tuple[Difference, ...]:
    out: list[Difference] = []
    _diff(archived, recomputed, "", names or {}, out)
    return tuple(out)


def check(data: dict) -> Report:
    """Recompute the Merkle root and the result and compare them with the archive's."""
    data = validate(data)
    report = Report()
    try:
        root = merkle.root(data["ballots"])
    except (TypeError, ValueError) as exc:
        raise Unreadable("content", f"ballots: {exc}") from exc
    report.lines.append(
        Line("merkle", "", root == data["merkle_root"], archived=data["merkle_root"], recomputed=root)
    )
    recomputed = recompute(data)
    archived = data["result"]
    names = candidate_names(data)
    whole_a = {k: v for k, v in archived.items() if k != "items"}
    whole_r = {k: v for k, v in recomputed.items() if k != "items"}
    diffs = differences(whole_a, whole_r, names)
    report.lines.append(Line("overall", "", not diffs, diffs))
    archived_items = {r.get("item"): r for r in archived.get("items") or () if isinstance(r, dict)}
    recomputed_items = {r["item"]: r for r in recomputed["items"]}
    for item in data["items"]:
        item_id = item.get("id")
        diffs = differences(archived_items.get(item_id), recomputed_items.get(item_id), names)
        diffs += scope_differences(item, data["ballots"]) + threshold_differences(item)
        report.lines.append(
            Line(
                "item", str(item.get("title", "")), not diffs, diffs, position=str(item.get("position", "?"))
            )
        )
    listed = {i.get("id") for i in data["items"]}
    for item_id in archived_items:
        if item_id not in listed:  # a result for an item the archive does not list
            report.lines.append(
                Line(
                    "item",
                    "",
                    False,
                    (Difference("item", archived_items[item_id], None),),
                    position=f"#{item_id}",
                )
            )
    services = check_services(data)
    if services is not None:
        report.lines.append(services)
    return report


# --- proof of service of the notice (R-MTG-10) -------------------------------------------------

SERVICE_CHANNELS = frozenset(
    {"inbox_read", "sms_sent", "wechat_sent", "sms_delivered", "wechat_delivered", "paper_posted"}
)
# ASCII digits and \Z, as the browser verifier reads them: ``\d`` would take any Unicode digit and
# ``$`` a trailing newline (R-TRUST-4: both verifiers reject the same records)
FLAT_PSEUDONYM = re.compile(r"^F-[0-9a-f]{16}\Z")
SERVICE_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}\Z")
SHA256_HEX = re.compile(r"^[0-9a-f]{64}\Z")
SERVICE_KEYS = ("flat", "channel", "version", "at", "warning_shown", "place", "photo")


def services_digest(entries) -> str:
    """SHA-256 (hex) over the service records as canonical JSON (``merkle.canonical``)."""
    return hashlib.sha256(merkle.canonical(entries)).hexdigest()


def _service_problem(entry) -> str:
    """What is wrong with one service record's form ("" when nothing)."""
    if not isinstance(entry, dict) or set(entry) != set(SERVICE_KEYS):
        return "keys"
    paper = entry["channel"] == "paper_posted"
    photo = entry["photo"]
    checks = (
        ("flat", isinstance(entry["flat"], str) and FLAT_PSEUDONYM.match(entry["flat"])),
        ("channel", isinstance(entry["channel"], str) and entry["channel"] in SERVICE_CHANNELS),
        ("version", type(entry["version"]) is int and entry["version"] >= 1),
        ("at", isinstance(entry["at"], str) and SERVICE_TIME.match(entry["at"])),
        ("warning_shown", isinstance(entry["warning_shown"], bool)),
        ("place", isinstance(entry["place"], str) and (entry["place"] != "") == paper),
        ("photo", isinstance(photo, str) and (SHA256_HEX.match(photo) if paper else photo == "")),
    )
    return next((key for key, ok in checks if not ok), "")


def _service_order(entry: dict) -> tuple:
    return (entry["flat"], entry["at"], entry["channel"])


def check_services(data: dict) -> Line | None:
    """The service records' integrity (R-MTG-10): each record's form and their SHA-256 against
    ``services_digest``. None for an archive without them (exported before R-MTG-10)."""
    if "services" not in data and "services_digest" not in data:
        return None
    entries, digest = data.get("services"), data.get("services_digest")
    if not isinstance(entries, list) or not isinstance(digest, str):
        return Line("services", "", False, (Difference("services", digest, None),), archived=str(digest))
    diffs = []
    for n, entry in enumerate(entries):
        problem = _service_problem(entry)
        if problem:
            value = entry.get(problem) if isinstance(entry, dict) else entry
            diffs.append(Difference(f"services[{n}].{problem}", value, None))
    if not diffs and [_service_order(e) for e in entries] != sorted(_service_order(e) for e in entries):
        diffs.append(Difference("services.order", None, None))
    recomputed = services_digest(entries)
    ok = not diffs and recomputed == digest
    return Line("services", str(len(entries)), ok, tuple(diffs), archived=digest, recomputed=recomputed)


# --- receipts ---------------------------------------------------------------------------------


def normalise_hash(text: str) -> str:
    return "".join(ch for ch in str(text or "").lower() if ch in "0123456789abcdef")


def find_receipt(data: dict, prefix: str) -> tuple[list[dict], list[dict]]:
    """(counted, superseded) ballots whose receipt hash starts with ``prefix``; one electronic
    submission covering several flats of one owner (R-TALLY-9) has one hash for all of them."""
    prefix = normalise_hash(prefix)
    if not prefix:
        return [], []

    def matching(rows) -> list[dict]:
        return [
            b for b in rows or () if isinstance(b, dict) and str(b.get("receipt") or "").startswith(prefix)
        ]

    return matching(data.get("ballots")), matching(data.get("superseded"))
