"""Counting the votes of an owners' assembly (SPEC R-TALLY-1..9, R-RES-1). Pure Python: no Django.

Civil Code art. 278 para. 2: a matter is decided only when owners holding *at least* two thirds of
the exclusive area and *at least* two thirds of the owners take part (R-TALLY-2); items (6) to (8)
then need *at least* three quarters of the participating area and owners, every other matter *more
than half* of both (R-TALLY-3, R-TALLY-8). 以上 includes the boundary, 过半数 excludes it (art.
1259, R-TALLY-5): every comparison here is made on exact fractions (areas are ``Decimal`` and become
``Fraction`` without rounding), never on floats.

Shenzhen rules art. 23 (R-TALLY-1): a flat that voted on some items attends for all of them; an
item it left unmarked is an abstention, and an abstention is participation, never support
(R-TALLY-6). Owners are counted as ``rules.counting`` counts them (R-ROSTER-3): every ballot names
its counted owner (``owner``), and flats of one owner count once in the headcount with their areas
summed (R-TALLY-9).

Two steps, so that a large meeting can let the database do the summing:

- ``count(items, ballots)`` sums ballots into ``Counts`` (what a ``GROUP BY`` over the vote rows
  gives: per item, per answer and per candidate, the area and the number of distinct owners);
- ``decide(totals, items, counts, follow_majority=...)`` applies the law and returns the result.

``tally()`` does both. ``to_json()`` is the result's stable, documented form (archives, the frozen
result and ``python -m ownervote.verify`` all use it).

Elections (R-TALLY-4): candidates are ranked by supporting owners, then supporting area; a
candidate is elected only with the item's majority; seats are filled in rank order; candidates
tied for the last seat(s) are reported as a tie and none of them is elected by the system.

随多数 (R-TALLY-7, 2009 MOHURD guidance rules art. 26), off unless the estate's rules of procedure
say so: owners who did not vote are deemed to have taken part, and their area and headcount go to
the answer a majority of the voters chose (more than half of the voters' area *and* owners); where
no answer has that majority they count as abstentions. In an election the same holds candidate by
candidate. A result computed this way says so (``follow_majority``).

Owners whose flats disagree (only possible with paper ballots of one counted owner entered in
different count sessions) are reported in ``conflicts``: each flat's area follows its own ballot,
and the owner counts once, as an abstention, on the items where the flats differ.

An item may concern part of the estate only (R-MTG-9): its ``scope`` is the set of flats (as the
ballots name them) that may vote on it, and ``scope_totals`` their totals, counted over those flats
alone as R-ROSTER-3 counts them (``rules.counting.scope_totals``). Such an item is decided over its
scope: only the ballots of flats in it count, for its marks and for its participation (a flat in the
scope that voted on any item attends for it, R-TALLY-1), its quorum and 随多数 use its own totals,
and an owner counts once within the scope however many of his flats are in it. A mark a ballot of a
flat outside the scope carries for it is ignored (the ballot could not have offered it). An item
without a scope concerns the whole estate and is counted exactly as before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

QUESTION = "question"
ELECTION = "election"
YES, NO, ABSTAIN = "yes", "no", "abstain"
ANSWERS = (YES, NO, ABSTAIN)

MAJORITY = "majority"  # more than half (过半数)
THREE_QUARTERS = "three_quarters"  # at least three quarters (四分之三以上)
THREE_QUARTERS_CATEGORIES = frozenset({6, 7, 8})  # Civil Code art. 278 para. 1 items (6) to (8)
CATEGORIES = frozenset(range(1, 10))


def threshold_of(category: int) -> str:
    """R-TALLY-8: the threshold of a decision category (1..9 of Civil Code art. 278)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown decision category {category!r}")
    return THREE_QUARTERS if category in THREE_QUARTERS_CATEGORIES else MAJORITY


# --- exact comparisons (R-TALLY-5) -------------------------------------------------------------


def _exact(value) -> Fraction:
    if isinstance(value, float):
        raise TypeError("areas and counts are never floats")
    return Fraction(value)


def at_least(part, whole, num: int, den: int) -> bool:
    """part / whole >= num / den (以上: the boundary passes), without dividing."""
    return _exact(part) * den >= _exact(whole) * num


def more_than(part, whole, num: int, den: int) -> bool:
    """part / whole > num / den (过半数, 超过: the boundary fails), without dividing."""
    return _exact(part) * den > _exact(whole) * num


def ratio(part, whole) -> Fraction:
    """part / whole as an exact fraction; 0 when the whole is 0."""
    whole = _exact(whole)
    return _exact(part) / whole if whole else Fraction(0)


# --- inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """Voting rights (专有部分面积, m²) and headcount (业主人数) of a set of owners."""

    area: Decimal = Decimal(0)
    owners: int = 0

    def __add__(self, other: Share) -> Share:
        return Share(self.area + other.area, self.owners + other.owners)

    def __sub__(self, other: Share) -> Share:
        return Share(self.area - other.area, self.owners - other.owners)

    def clamped(self) -> Share:
        return Share(max(self.area, Decimal(0)), max(self.owners, 0))


ZERO = Share()


@dataclass(frozen=True)
class Totals:
    """The confirmed totals (R-ROSTER-1): total voting rights, total owners, exclusive parts."""

    area: Decimal
    owners: int
    flats: int = 0


@dataclass(frozen=True)
class ItemSpec:
    id: int
    kind: str  # QUESTION or ELECTION
    category: int  # 1..9
    seats: int | None = None  # elections
    candidates: tuple[int, ...] = ()  # elections: candidate ids in ballot order
    scope: frozenset[str] | None = None  # R-MTG-9: the flats that vote on it; None: the whole estate
    scope_totals: Totals | None = None  # R-MTG-9: the totals over ``scope`` (R-ROSTER-3)

    @property
    def scoped(self) -> bool:
        return self.scope is not None

    def in_scope(self, flat: str) -> bool:
        return self.scope is None or flat in self.scope

    def totals(self, estate: Totals) -> Totals:
        """The totals the item is decided over: its scope's, or the estate's."""
        return self.scope_totals if self.scope is not None and self.scope_totals is not None else estate

    @property
    def threshold(self) -> str:
        return threshold_of(self.category)


@dataclass(frozen=True)
class FlatBallot:
    """One flat's counted ballot. ``answers`` holds the items it marked: a question's ``"yes"``,
    ``"no"`` or ``"abstain"``; an election's chosen candidate ids (a set or sequence) or
    ``"abstain"``. An item left out was left unmarked (an abstention, R-TALLY-1)."""

    flat: str
    owner: str  # the counted owner (R-ROSTER-3): equal for flats of one owner
    area: Decimal
    answers: Mapping[int, object]


@dataclass
class ItemCounts:
    marked: Share = ZERO  # ballots that marked the item at all
    answers: dict[str, Share] = field(default_factory=dict)  # question: yes/no/abstain; election: abstain
    candidates: dict[int, Share] = field(default_factory=dict)
    participating: Share | None = None  # R-MTG-9: a scoped item's attendance (None: the meeting's)


@dataclass
class Counts:
    """What the ballots add up to, before the law is applied."""

    participating: Share = ZERO
    flats: int = 0  # ballots (flats) counted
    items: dict[int, ItemCounts] = field(default_factory=dict)
    conflicts: tuple[str, ...] = ()  # owners whose flats' ballots disagree


def _value(item: ItemSpec, raw) -> object:
    """A ballot's mark on one item, normalised: None (unmarked), an answer, or a frozenset of
    candidate ids."""
    if raw is None or raw == "" or raw == [] or raw == ():
        return None
    if item.kind == ELECTION and raw != ABSTAIN:
        if isinstance(raw, (int, str)):
            raw = [raw]
        chosen = frozenset(int(c) for c in raw)
        return chosen or None
    return raw


def attendance(ballots: Iterable[FlatBallot]) -> Share:
    """The area of the ballots and their distinct counted owners (R-TALLY-9)."""
    ballots = list(ballots)
    return Share(sum((b.area for b in ballots), Decimal(0)), len({b.owner for b in ballots}))


def count(items: Sequence[ItemSpec], ballots: Iterable[FlatBallot]) -> Counts:
    """Sum the counted ballots: per flat for area, per counted owner for headcount (R-TALLY-9); a
    scoped item over the ballots of its scope's flats only (R-MTG-9)."""
    ballots = list(ballots)
    counts = Counts(
        participating=attendance(ballots),
        flats=len(ballots),
        items={item.id: ItemCounts() for item in items},
    )
    conflicts: set[str] = set()
    for item in items:
        c = counts.items[item.id]
        by_owner: dict[str, list[FlatBallot]] = {}
        for b in ballots:
            if item.in_scope(b.flat):
                by_owner.setdefault(b.owner, []).append(b)
        if item.scoped:
            c.participating = attendance(b for flats in by_owner.values() for b in flats)
        answers: dict[str, list] = {
            a: [Decimal(0), 0] for a in (ANSWERS if item.kind == QUESTION else (ABSTAIN,))
        }
        candidates: dict[int, list] = {cid: [Decimal(0), 0] for cid in item.candidates}
        marked = [Decimal(0), 0]
        for owner, flats in by_owner.items():
            values = [_value(item, b.answers.get(item.id, b.answers.get(str(item.id)))) for b in flats]
            for b, v in zip(flats, values, strict=True):  # area: each flat its own mark
                if v is None:
                    continue
                marked[0] += b.area
                if isinstance(v, frozenset):
                    for cid in v:
                        candidates.setdefault(cid, [Decimal(0), 0])[0] += b.area
                else:
                    answers.setdefault(v, [Decimal(0), 0])[0] += b.area
            distinct = set(values)
            if len(distinct) > 1:  # the owner's flats disagree: one abstention by headcount
                conflicts.add(owner)
                marked[1] += 1
                answers.setdefault(ABSTAIN, [Decimal(0), 0])[1] += 1
                continue
            (v,) = distinct
            if v is None:
                continue
            marked[1] += 1
            if isinstance(v, frozenset):
                for cid in v:
                    candidates.setdefault(cid, [Decimal(0), 0])[1] += 1
            else:
                answers.setdefault(v, [Decimal(0), 0])[1] += 1
        c.marked = Share(marked[0], marked[1])
        c.answers = {a: Share(v[0], v[1]) for a, v in answers.items()}
        c.candidates = {cid: Share(v[0], v[1]) for cid, v in candidates.items()}
    counts.conflicts = tuple(sorted(conflicts))
    return counts


# --- the result ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateResult:
    id: int
    support: Share
    rank: int  # 1 = most owners; equal support, equal rank
    majority: bool  # reached the item's threshold (and the meeting its quorum)
    elected: bool
    tied: bool  # tied for the last seat(s): for the convener to resolve (R-TALLY-4)


@dataclass(frozen=True)
class ItemResult:
    item_id: int
    kind: str
    category: int
    threshold: str
    participating: Share  # attending for this item (with non-voters under 随多数)
    # yes/no/abstain; unmarked items are in abstain (R-TALLY-1, R-TALLY-6). For an election "yes" is
    # those who chose at least one candidate and "no" is empty.
    answers: dict[str, Share]
    quorum_area: bool
    quorum_owners: bool
    passed: bool | None  # questions; None for elections
    candidates: tuple[CandidateResult, ...] = ()  # elections, ranked
    seats: int | None = None
    elected: tuple[int, ...] = ()
    tie: tuple[int, ...] = ()  # candidates tied for the seats left
    seats_unfilled: int = 0
    followed: str = ""  # 随多数: the answer the non-voters went to ("" when none)
    nonvoters: Share = ZERO  # 随多数: the non-voters deemed to take part
    scope_totals: Totals | None = None  # R-MTG-9: a scoped item's totals (None: the estate's)

    @property
    def quorum(self) -> bool:
        return self.quorum_area and self.quorum_owners

    @property
    def support(self) -> Share:
        return self.answers.get(YES, ZERO)


@dataclass(frozen=True)
class MeetingResult:
    totals: Totals
    participating: Share  # owners and area who voted (before any 随多数)
    flats: int
    quorum_area: bool
    quorum_owners: bool
    follow_majority: bool
    items: tuple[ItemResult, ...]
    conflicts: tuple[str, ...] = ()

    @property
    def quorum(self) -> bool:
        return self.quorum_area and self.quorum_owners


def _quorum(part: Share, totals: Totals) -> tuple[bool, bool]:
    """R-TALLY-2: at least two thirds of the total area and of the total owners take part."""
    if totals.owners <= 0 or totals.area <= 0:
        return False, False
    return at_least(part.area, totals.area, 2, 3), at_least(part.owners, totals.owners, 2, 3)


def reaches(support: Share, part: Share, threshold: str) -> bool:
    """R-TALLY-3: whether ``support`` carries an item among ``part`` participants, by area and by
    owners both."""
    if part.owners <= 0 or part.area <= 0:
        return False
    if threshold == THREE_QUARTERS:
        return at_least(support.area, part.area, 3, 4) and at_least(support.owners, part.owners, 3, 4)
    return more_than(support.area, part.area, 1, 2) and more_than(support.owners, part.owners, 1, 2)


def _majority_of(support: Share, part: Share) -> bool:
    return more_than(support.area, part.area, 1, 2) and more_than(support.owners, part.owners, 1, 2)


def _decide_question(item: ItemSpec, totals: Totals, part: Share, c: ItemCounts, follow: bool) -> ItemResult:
    answers = {a: c.answers.get(a, ZERO) for a in ANSWERS}
    answers[ABSTAIN] = answers[ABSTAIN] + (part - c.marked)  # unmarked: abstention (R-TALLY-1)
    followed, nonvoters = "", ZERO
    if follow:
        nonvoters = (Share(totals.area, totals.owners) - part).clamped()
        for a in ANSWERS:
            if _majority_of(answers[a], part):
                followed = a
                break
        answers[followed or ABSTAIN] = answers[followed or ABSTAIN] + nonvoters
        part = part + nonvoters
    qa, qo = _quorum(part, totals)
    return ItemResult(
        item_id=item.id,
        kind=item.kind,
        category=item.category,
        threshold=item.threshold,
        participating=part,
        answers=answers,
        quorum_area=qa,
        quorum_owners=qo,
        passed=qa and qo and reaches(answers[YES], part, item.threshold),
        followed=followed,
        nonvoters=nonvoters,
    )


def _decide_election(item: ItemSpec, totals: Totals, part: Share, c: ItemCounts, follow: bool) -> ItemResult:
    abstain = c.answers.get(ABSTAIN, ZERO) + (part - c.marked)
    support = {cid: c.candidates.get(cid, ZERO) for cid in item.candidates}
    for cid, s in c.candidates.items():  # a candidate missing from the spec still shows
        support.setdefault(cid, s)
    nonvoters, followed = ZERO, ""
    if follow:
        nonvoters = (Share(totals.area, totals.owners) - part).clamped()
        went = [cid for cid, s in support.items() if _majority_of(s, part)]
        for cid in went:
            support[cid] = support[cid] + nonvoters
        followed = "candidates" if went else ""
        if not went:
            abstain = abstain + nonvoters
        part = part + nonvoters
    qa, qo = _quorum(part, totals)
    order = {cid: i for i, cid in enumerate(item.candidates)}
    ranked = sorted(
        support, key=lambda cid: (-support[cid].owners, -support[cid].area, order.get(cid, 1 << 30), cid)
    )
    ranks: dict[int, int] = {}
    for i, cid in enumerate(ranked):
        prev = ranked[i - 1] if i else None
        same = prev is not None and (support[prev].owners, support[prev].area) == (
            support[cid].owners,
            support[cid].area,
        )
        ranks[cid] = ranks[prev] if same else i + 1
    majority = {cid: qa and qo and reaches(support[cid], part, item.threshold) for cid in ranked}
    seats = item.seats or 0
    elected: list[int] = []
    tie: list[int] = []
    qualified = [cid for cid in ranked if majority[cid]]
    i = 0
    while i < len(qualified) and len(elected) < seats:
        group = [cid for cid in qualified if ranks[cid] == ranks[qualified[i]]]
        if len(elected) + len(group) <= seats:
            elected.extend(group)
        else:
            tie = group
            break
        i += len(group)
    results = tuple(
        CandidateResult(
            id=cid,
            support=support[cid],
            rank=ranks[cid],
            majority=majority[cid],
            elected=cid in elected,
            tied=cid in tie,
        )
        for cid in ranked
    )
    yes = part - abstain  # those who chose at least one candidate
    return ItemResult(
        item_id=item.id,
        kind=item.kind,
        category=item.category,
        threshold=item.threshold,
        participating=part,
        answers={YES: yes, NO: ZERO, ABSTAIN: abstain},
        quorum_area=qa,
        quorum_owners=qo,
        passed=None,
        candidates=results,
        seats=seats,
        elected=tuple(elected),
        tie=tuple(tie),
        seats_unfilled=seats - len(elected),
        followed=followed,
        nonvoters=nonvoters,
    )


def decide(
    totals: Totals, items: Sequence[ItemSpec], counts: Counts, *, follow_majority: bool = False
) -> MeetingResult:
    """Apply R-TALLY-2..8 to ``counts``; a scoped item over its scope's totals and attendance
    (R-MTG-9)."""
    part = counts.participating
    qa, qo = _quorum(part, totals)
    results = []
    for item in items:
        c = counts.items.get(item.id) or ItemCounts()
        decide_item = _decide_election if item.kind == ELECTION else _decide_question
        if not item.scoped:
            results.append(decide_item(item, totals, part, c, follow_majority))
            continue
        scoped = item.totals(totals)
        decided = decide_item(item, scoped, c.participating or ZERO, c, follow_majority)
        results.append(dataclasses.replace(decided, scope_totals=scoped))
    return MeetingResult(
        totals=totals,
        participating=part,
        flats=counts.flats,
        quorum_area=qa,
        quorum_owners=qo,
        follow_majority=follow_majority,
        items=tuple(results),
        conflicts=counts.conflicts,
    )


def tally(
    totals: Totals, items: Sequence[ItemSpec], ballots: Iterable[FlatBallot], *, follow_majority: bool = False
) -> MeetingResult:
    return decide(totals, items, count(items, ballots), follow_majority=follow_majority)


# --- the stable JSON form ----------------------------------------------------------------------

JSON_VERSION = 1


def area_text(area: Decimal) -> str:
    """An area as exact text without exponent or trailing zeros: Decimal('100.50') -> '100.5'."""
    text = format(Decimal(area).normalize(), "f")
    return "0" if text in ("-0", "") else text


def ratio_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def percent(value: Fraction, places: int = 2) -> str:
    """A fraction as a percentage for people, rounded half up: Fraction(2, 3) -> '66.67'. For display
    only; decisions never read it."""
    scaled = value * 100 * 10**places
    whole = int(scaled)
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    text = str(whole).rjust(places + 1, "0")
    return f"{text[:-places]}.{text[-places:]}" if places else text


def _share_json(s: Share, *, of: Share | None = None, totals: Totals | None = None) -> dict:
    out: dict = {"area": area_text(s.area), "owners": s.owners}
    if of is not None:
        out["area_of_participating"] = ratio_text(ratio(s.area, of.area))
        out["owners_of_participating"] = ratio_text(ratio(s.owners, of.owners))
    if totals is not None:
        out["area_of_total"] = ratio_text(ratio(s.area, totals.area))
        out["owners_of_total"] = ratio_text(ratio(s.owners, totals.owners))
    return out


def item_json(r: ItemResult, totals: Totals, scope_totals: Totals | None = None) -> dict:
    """One item's result; a scoped item (R-MTG-9) also gives the totals it was decided over, and its
    shares "of total" are of those."""
    if scope_totals is not None:
        totals = scope_totals
    out = {
        "item": r.item_id,
        "kind": r.kind,
        "category": r.category,
        "threshold": r.threshold,
        "participating": _share_json(r.participating, totals=totals),
        "quorum": {"area": r.quorum_area, "owners": r.quorum_owners},
        "answers": {a: _share_json(r.answers[a], of=r.participating, totals=totals) for a in ANSWERS},
        "passed": r.passed,
        "followed": r.followed,
        "nonvoters": _share_json(r.nonvoters),
    }
    if scope_totals is not None:
        out["scope_totals"] = {
            "area": area_text(scope_totals.area),
            "owners": scope_totals.owners,
            "flats": scope_totals.flats,
        }
    if r.kind == ELECTION:
        out["seats"] = r.seats
        out["candidates"] = [
            {
                "candidate": c.id,
                "rank": c.rank,
                **_share_json(c.support, of=r.participating, totals=totals),
                "majority": c.majority,
                "elected": c.elected,
                "tied": c.tied,
            }
            for c in r.candidates
        ]
        out["elected"] = list(r.elected)
        out["tie"] = list(r.tie)
        out["seats_unfilled"] = r.seats_unfilled
    return out


def to_json(result: MeetingResult) -> dict:
    """The result as plain JSON types, identical wherever it is computed (server, archive,
    verifier): areas as exact decimal strings, shares as exact ``"numerator/denominator"``. An item
    without a scope (R-MTG-9) reads exactly as before scopes existed."""
    t = result.totals
    return {
        "version": JSON_VERSION,
        "totals": {"area": area_text(t.area), "owners": t.owners, "flats": t.flats},
        "participating": _share_json(result.participating, totals=t),
        "flats_voted": result.flats,
        "quorum": {"area": result.quorum_area, "owners": result.quorum_owners},
        "follow_majority": result.follow_majority,
        "conflicts": len(result.conflicts),
        "items": [item_json(r, t, r.scope_totals) for r in result.items],
    }
