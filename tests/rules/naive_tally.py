"""A second, deliberately naive count of an owners' assembly, written from SPEC.md alone.

It shares no code with ``ownervote.rules.tally``: it loops over flats, works in whole units of
0.0001 m² (integers) and decides every threshold by cross-multiplying integers, so that a property
test can hold the real implementation against it (R-TALLY-1..9, R-ROSTER-3).

Inputs are plain values: ``totals`` is ``(area: Decimal, owners: int)``; an item is a ``NItem``;
a ballot is a ``NBallot`` whose ``answers`` map item id to ``"yes"``/``"no"``/``"abstain"`` (a
question), a list of candidate ids or ``"abstain"`` (an election); a missing item is unmarked.

随多数 (R-TALLY-7) as ``rules.tally``'s docstring defines it: owners who did not vote are deemed to
take part; their area and headcount go to the answer chosen by more than half of the voters' area
*and* owners, else to abstention; in an election candidate by candidate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

UNIT = 10_000  # 1 m² = 10 000 units of 0.0001 m²


def units(area) -> int:
    """An area in whole 0.0001 m² units; refuses anything that is not an exact Decimal/int."""
    if isinstance(area, (float, bool)):
        raise TypeError("no floats")
    scaled = Decimal(area) * UNIT
    whole = int(scaled)
    if Decimal(whole) != scaled:
        raise ValueError(f"area {area} is finer than 0.0001 m²")
    return whole


@dataclass(frozen=True)
class NItem:
    id: int
    kind: str  # "question" or "election"
    category: int
    seats: int = 0
    candidates: tuple[int, ...] = ()


@dataclass(frozen=True)
class NBallot:
    flat: str
    owner: str
    area: Decimal
    answers: dict = field(default_factory=dict)


def _norm(item: NItem, raw):
    """What a flat marked on an item, comparable between flats: None (unmarked, or no candidate
    chosen), "abstain", an answer, or a frozenset of candidates. Unmarked and "abstain" both count as
    abstentions, but as marks they differ (``rules.tally`` reports such flats of one owner)."""
    if raw is None or raw == [] or raw == ():
        return None
    if raw == "abstain" or item.kind == "question":
        return raw
    return frozenset(raw)


def _quarter_test(num_units: int, den_units: int, threshold: str) -> bool:
    """num/den against the threshold: 'majority' = more than 1/2; 'three_quarters' = at least 3/4."""
    if threshold == "three_quarters":
        return 4 * num_units >= 3 * den_units
    return 2 * num_units > den_units


def _frac(a: int, b: int) -> Fraction:
    if b == 0:
        return Fraction(0)
    return Fraction(a, b)


def naive_tally(totals, items, ballots, *, follow_majority: bool = False) -> dict:
    total_units = units(totals[0])
    total_owners = totals[1]

    # R-ROSTER-3 / R-TALLY-9: group flats by their counted owner
    owners: dict[str, list[NBallot]] = {}
    for b in ballots:
        owners.setdefault(b.owner, []).append(b)

    voters_units = 0
    for b in ballots:
        voters_units += units(b.area)
    voters_owners = len(owners)

    conflicts = set()
    for owner, flats in owners.items():
        for item in items:
            said = [_norm(item, f.answers.get(item.id)) for f in flats]
            if any(v != said[0] for v in said):
                conflicts.add(owner)

    meeting_quorum = (3 * voters_units >= 2 * total_units, 3 * voters_owners >= 2 * total_owners)

    nonvoter_units = max(total_units - voters_units, 0)
    nonvoter_owners = max(total_owners - voters_owners, 0)

    out_items = {}
    for item in items:
        threshold = "three_quarters" if item.category in (6, 7, 8) else "majority"
        # per answer: area units and the set of owners (an owner whose flats differ counts as abstain)
        ans_units = {"yes": 0, "no": 0, "abstain": 0}
        ans_owners = {"yes": set(), "no": set(), "abstain": set()}
        cand_units = {c: 0 for c in item.candidates}
        cand_owners = {c: set() for c in item.candidates}
        for owner, flats in owners.items():
            values = [_norm(item, f.answers.get(item.id)) for f in flats]
            same = all(v == values[0] for v in values)
            for f, v in zip(flats, values, strict=True):
                a = units(f.area)
                if v is None:
                    v = "abstain"  # unmarked: an abstention (R-TALLY-1)
                if item.kind == "question":
                    ans_units[v] += a
                    if same:
                        ans_owners[v].add(owner)
                else:
                    if v == "abstain":
                        ans_units["abstain"] += a
                        if same:
                            ans_owners["abstain"].add(owner)
                    else:
                        for c in v:
                            cand_units[c] += a
                            if same:
                                cand_owners[c].add(owner)
            if not same:
                ans_owners["abstain"].add(owner)

        answers = {k: [ans_units[k], len(ans_owners[k])] for k in ans_units}
        cands = {c: [cand_units[c], len(cand_owners[c])] for c in item.candidates}
        part_units, part_owners = voters_units, voters_owners
        followed = ""
        nonvoters = [0, 0]
        if follow_majority:
            nonvoters = [nonvoter_units, nonvoter_owners]
            if item.kind == "question":
                for k in ("yes", "no", "abstain"):
                    if 2 * answers[k][0] > voters_units and 2 * answers[k][1] > voters_owners:
                        followed = k
                answers[followed or "abstain"][0] += nonvoter_units
                answers[followed or "abstain"][1] += nonvoter_owners
            else:
                for c in item.candidates:
                    if 2 * cands[c][0] > voters_units and 2 * cands[c][1] > voters_owners:
                        cands[c][0] += nonvoter_units
                        cands[c][1] += nonvoter_owners
                        followed = "candidates"
                if not followed:  # no candidate has the voters' majority: the non-voters abstain
                    answers["abstain"][0] += nonvoter_units
                    answers["abstain"][1] += nonvoter_owners
            part_units += nonvoter_units
            part_owners += nonvoter_owners

        quorum = (3 * part_units >= 2 * total_units, 3 * part_owners >= 2 * total_owners)
        has_quorum = quorum[0] and quorum[1]

        res = {
            "threshold": threshold,
            "participating": (part_units, part_owners),
            "answers": {k: tuple(v) for k, v in answers.items()},
            "quorum": quorum,
            "followed": followed,
            "nonvoters": tuple(nonvoters),
        }
        if item.kind == "question":
            yes_u, yes_o = answers["yes"]
            res["passed"] = (
                has_quorum
                and _quarter_test(yes_u, part_units, threshold)
                and _quarter_test(yes_o, part_owners, threshold)
            )
        else:
            res["passed"] = None
            # an election's "yes": everyone taking part who did not abstain (chose some candidate);
            # "no" is nothing
            res["answers"]["yes"] = (part_units - answers["abstain"][0], part_owners - answers["abstain"][1])
            res["answers"]["no"] = (0, 0)
            # R-TALLY-4: rank by owners, then area; equal support = equal rank (1 + those strictly ahead)
            rows = []
            for c in item.candidates:
                u, o = cands[c]
                ahead = 0
                for d in item.candidates:
                    du, do = cands[d]
                    if do > o or (do == o and du > u):
                        ahead += 1
                majority = (
                    has_quorum
                    and _quarter_test(u, part_units, threshold)
                    and _quarter_test(o, part_owners, threshold)
                )
                rows.append(
                    {"candidate": c, "rank": ahead + 1, "units": u, "owners": o, "majority": majority}
                )
            rows.sort(key=lambda r: r["rank"])  # stable: ballot order within a rank
            seats = item.seats
            elected, tie = [], []
            left = seats
            for rank in sorted({r["rank"] for r in rows}):
                group = [r for r in rows if r["rank"] == rank and r["majority"]]
                if not group or left <= 0:
                    continue
                if len(group) <= left:
                    elected += [r["candidate"] for r in group]
                    left -= len(group)
                else:
                    tie = [r["candidate"] for r in group]
                    break
            for r in rows:
                r["elected"] = r["candidate"] in elected
                r["tied"] = r["candidate"] in tie
            res["candidates"] = rows
            res["seats"] = seats
            res["elected"] = elected
            res["tie"] = tie
            res["seats_unfilled"] = seats - len(elected)
        out_items[item.id] = res

    return {
        "totals": (total_units, total_owners),
        "participating": (voters_units, voters_owners),
        "flats": len(ballots),
        "quorum": meeting_quorum,
        "follow_majority": follow_majority,
        "conflicts": conflicts,
        "items": out_items,
    }


def share_of(part: int, whole: int) -> Fraction:
    """A share as the exact fraction the result shows (0 when the whole is 0)."""
    return _frac(part, whole)
