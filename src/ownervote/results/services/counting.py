"""The meeting's counted ballots as ``rules.tally`` takes them (R-RES-1, art. 25).

The database does the summing: one ``GROUP BY`` over the vote rows (``voting.Choice`` carries each
flat's area and counted owner, and ``counted`` is false for a superseded paper ballot, R-PAPER-1),
one over the ballots for attendance and one for the items each ballot marked. ``rules.tally``
decides. Counting owners with ``COUNT(DISTINCT owner_group)`` is exact when every counted owner's
flats agree; the few owners with more than one counted ballot are checked in Python, and when any
of them disagree (paper ballots of one owner entered in different count sessions) the whole count
falls back to ``rules.tally.count`` over every ballot, which reports them.

An item for part of the estate (R-MTG-9) is counted over the flats of its scope on the roll frozen
when voting opened: its totals by ``rules.counting.scope_totals`` from those roll rows, its ballots
by ``rules.tally.count`` over the ballots of those flats only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Sum

from ownervote.meetings import scopes
from ownervote.meetings.models import Item, Meeting
from ownervote.rules import counting as roster_counting
from ownervote.rules import tally
from ownervote.voting.models import Ballot, Choice, Progress, RollFlat

CENT = Decimal("0.01")


def _dec(value) -> Decimal:
    """A database sum as an exact Decimal of 2 places (SQLite sums in floating point)."""
    if value is None:
        return Decimal(0)
    return Decimal(str(value)).quantize(CENT)


def scope_flats(meeting: Meeting, items: list[Item]) -> dict[int, frozenset[int]]:
    """The roll's flats of each scoped item (R-MTG-9): item id -> flat ids. ``scopes.load`` first."""
    scoped = [i for i in items if i.scope != Item.Scope.ESTATE]
    if not scoped:
        return {}
    roll = list(RollFlat.objects.filter(meeting=meeting).values_list("flat_id", "building_id"))
    return {i.pk: frozenset(f for f, b in roll if scopes.covers(i, f, b)) for i in scoped}


def items_of(meeting: Meeting) -> list[tally.ItemSpec]:
    items = list(
        Item.objects.filter(meeting=meeting).prefetch_related("candidates").order_by("position", "id")
    )
    scopes.load(items)
    flats = scope_flats(meeting, items)
    roll = []
    if flats:
        roll = [
            (str(f), _dec(area), group)
            for f, area, group in RollFlat.objects.filter(meeting=meeting).values_list(
                "flat_id", "area", "owner_group"
            )
        ]
    specs = []
    for i in items:
        scope = scope_totals = None
        if i.pk in flats:
            scope = frozenset(str(f) for f in flats[i.pk])
            area, owners, n = roster_counting.scope_totals(roll, scope)
            scope_totals = tally.Totals(area=area, owners=owners, flats=n)
        specs.append(
            tally.ItemSpec(
                id=i.pk,
                kind=i.kind,
                category=i.category,
                seats=i.seats,
                candidates=tuple(c.pk for c in i.candidates.all()),
                scope=scope,
                scope_totals=scope_totals,
            )
        )
    return specs


def totals_of(meeting: Meeting) -> tally.Totals:
    """The totals frozen with the roll when voting opened (the confirmed totals, R-ROSTER-1)."""
    head = Progress.objects.filter(meeting=meeting, building__isnull=True).first()
    if head is not None:
        return tally.Totals(area=_dec(head.area_total), owners=head.owners_total, flats=head.flats_total)
    roll = RollFlat.objects.filter(meeting=meeting).aggregate(
        area=Sum("area"), owners=Count("owner_group", distinct=True), flats=Count("id")
    )
    return tally.Totals(area=_dec(roll["area"]), owners=roll["owners"] or 0, flats=roll["flats"] or 0)


@dataclass(frozen=True)
class BallotRow:
    """A counted (or superseded) ballot with its marks, for the pure count and the archive."""

    ballot_id: int
    flat_id: int
    owner_group: str
    area: Decimal
    channel: str
    partial: bool
    superseded: bool
    digest: str  # the receipt's ballot hash; empty for paper
    cast_at: dt.datetime
    answers: dict[int, object]  # item id -> "yes"/"no"/"abstain" or [candidate ids]

    def flat_ballot(self) -> tally.FlatBallot:
        return tally.FlatBallot(
            flat=str(self.flat_id), owner=self.owner_group, area=self.area, answers=self.answers
        )


def ballot_rows(meeting: Meeting, *, superseded: bool = False, owner_groups=None) -> list[BallotRow]:
    """Every counted ballot (or, with ``superseded=True``, every superseded paper ballot) of the
    meeting with its marks, ordered by flat; ``owner_groups`` narrows to those counted owners."""
    ballots = Ballot.objects.filter(meeting=meeting, superseded=superseded)
    if owner_groups is not None:
        ballots = ballots.filter(owner_group__in=list(owner_groups))
    rows = list(
        ballots.order_by("flat_id", "id").values_list(
            "pk",
            "flat_id",
            "owner_group",
            "area",
            "channel",
            "partial",
            "superseded",
            "submission__digest",
            "cast_at",
        )
    )
    marks: dict[int, dict[int, object]] = defaultdict(dict)
    choices = Choice.objects.filter(ballot_id__in=[r[0] for r in rows]).order_by(
        "ballot_id", "item_id", "candidate_id"
    )
    if len(rows) > 2000:  # the whole meeting: filter by meeting, not by a long id list
        choices = Choice.objects.filter(meeting=meeting, counted=not superseded).order_by(
            "ballot_id", "item_id", "candidate_id"
        )
        if owner_groups is not None:
            choices = choices.filter(owner_group__in=list(owner_groups))
    for ballot_id, item_id, candidate_id, answer in choices.values_list(
        "ballot_id", "item_id", "candidate_id", "answer"
    ).iterator(chunk_size=5000):
        if candidate_id is None:
            marks[ballot_id][item_id] = answer
        else:
            marks[ballot_id].setdefault(item_id, []).append(candidate_id)
    return [
        BallotRow(
            ballot_id=pk,
            flat_id=flat_id,
            owner_group=group,
            area=_dec(area),
            channel=channel,
            partial=partial,
            superseded=sup,
            digest=digest or "",
            cast_at=cast_at,
            answers=marks.get(pk, {}),
        )
        for pk, flat_id, group, area, channel, partial, sup, digest, cast_at in rows
    ]


def _marked_sql(item_ids: list[int]) -> str:
    t = Choice._meta.db_table
    marks = ", ".join(["%s"] * len(item_ids))
    return (
        f"SELECT item_id, SUM(area), COUNT(DISTINCT owner_group) FROM "  # noqa: S608 - table names only
        f"(SELECT DISTINCT ballot_id, item_id, area, owner_group FROM {t} "
        f"WHERE meeting_id = %s AND counted = %s AND item_id IN ({marks})) marked GROUP BY item_id"
    )


def counts_from_db(meeting: Meeting, items: list[tally.ItemSpec]) -> tally.Counts:
    """``rules.tally.count`` done by the database (same result; see the module's note); the items
    for part of the estate counted over their scopes' ballots (R-MTG-9)."""
    scoped = [i for i in items if i.scoped]
    if not scoped:
        return _estate_counts(meeting, items)
    counts = _estate_counts(meeting, [i for i in items if not i.scoped])
    flats = set().union(*(i.scope for i in scoped))
    rows = [r.flat_ballot() for r in ballot_rows(meeting) if r.flat_ballot().flat in flats]
    within = tally.count(scoped, rows)
    counts.items = {i.id: counts.items.get(i.id) or within.items[i.id] for i in items}
    counts.conflicts = tuple(sorted({*counts.conflicts, *within.conflicts}))
    return counts


def _estate_counts(meeting: Meeting, items: list[tally.ItemSpec]) -> tally.Counts:
    counted = Ballot.objects.filter(meeting=meeting, superseded=False)
    multi = list(
        counted.values("owner_group")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("owner_group", flat=True)
    )
    if multi:
        few = [r.flat_ballot() for r in ballot_rows(meeting, owner_groups=multi)]
        if tally.count(items, few).conflicts:
            return tally.count(items, [r.flat_ballot() for r in ballot_rows(meeting)])
    head = counted.aggregate(area=Sum("area"), owners=Count("owner_group", distinct=True), flats=Count("id"))
    counts = tally.Counts(
        participating=tally.Share(_dec(head["area"]), head["owners"] or 0),
        flats=head["flats"] or 0,
        items={i.id: tally.ItemCounts() for i in items},
    )
    kinds = {i.id: i.kind for i in items}
    answers: dict[int, dict[str, tally.Share]] = defaultdict(dict)
    candidates: dict[int, dict[int, tally.Share]] = defaultdict(dict)
    grouped = (
        Choice.objects.filter(meeting=meeting, counted=True)
        .values("item_id", "answer", "candidate_id")
        .annotate(area=Sum("area"), owners=Count("owner_group", distinct=True))
        .order_by()
    )
    for row in grouped:
        share = tally.Share(_dec(row["area"]), row["owners"])
        if row["candidate_id"] is not None:
            candidates[row["item_id"]][row["candidate_id"]] = share
        else:
            answers[row["item_id"]][row["answer"]] = share
    # A question has one row per ballot that marked it, so the rows that marked it are the sum of its
    # answers; an election has one row per chosen candidate, so its ballots are counted once each.
    elections = [i for i, kind in kinds.items() if kind == tally.ELECTION]
    marked: dict[int, tally.Share] = {}
    if elections:
        with connection.cursor() as cursor:
            cursor.execute(_marked_sql(elections), [meeting.pk, True, *elections])
            marked = {item_id: tally.Share(_dec(area), owners) for item_id, area, owners in cursor.fetchall()}
    on_ballot = {i.id: i.candidates for i in items}
    for item_id, c in counts.items.items():
        defaults = tally.ANSWERS if kinds[item_id] == tally.QUESTION else (tally.ABSTAIN,)
        c.answers = {a: answers[item_id].get(a, tally.ZERO) for a in defaults}
        # every candidate on the ballot, chosen or not, as ``rules.tally.count`` lists them
        c.candidates = {cid: tally.ZERO for cid in on_ballot[item_id]} | candidates[item_id]
        if kinds[item_id] == tally.QUESTION:
            c.marked = sum(c.answers.values(), tally.ZERO)
        else:
            c.marked = marked.get(item_id, tally.ZERO)
    return counts


def compute(meeting: Meeting, *, follow_majority: bool | None = None) -> tally.MeetingResult:
    """The meeting's result now, from its counted ballots and its frozen totals, with the counting
    settings frozen when it was publicised (R-TALLY-7, issue 24 item 5)."""
    if follow_majority is None:
        follow_majority = meeting.counting_settings()[0]
    items = items_of(meeting)
    return tally.decide(
        totals_of(meeting), items, counts_from_db(meeting, items), follow_majority=follow_majority
    )
