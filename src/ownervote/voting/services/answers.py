"""What a ballot says, checked against the meeting's items, and how it is written: shared by the
electronic cast and the paper count so that both accept exactly the same ballots.

``answers`` maps an item id (int or its string) to:
- a question: ``"yes"``, ``"no"`` or ``"abstain"``;
- an election: a list of candidate ids (at most the item's ``max_choices``, each once), or
  ``"abstain"``;
- an item absent (or ``None`` / empty list) was left unmarked: the ballot is *partial* and the item
  counts as an abstention (R-TALLY-1). It has no ``Choice`` row.

An item for part of the estate (R-MTG-9, ``meetings.scopes``) is on the ballot of a submission only
when one of its flats is in the item's scope: an answer to it otherwise is refused
(``ballot.out_of_scope``), and its marks are written only for the flats in its scope (one submission
of an owner with flats in and out of a scope, R-TALLY-9).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext_lazy as _

from ownervote.core import bulk, prepared
from ownervote.core.errors import InvalidInput
from ownervote.meetings import scopes
from ownervote.meetings.models import Item, Meeting

from ..errors import Code
from ..models import Answer, Ballot, Choice, RollFlat, Submission

QUESTION_ANSWERS = frozenset(Answer.values)


@dataclass(frozen=True)
class Mark:
    item_id: int
    answer: str  # Answer value
    candidate_id: int | None = None


@dataclass(frozen=True)
class CleanBallot:
    marks: tuple[Mark, ...]
    partial: bool  # some item left unmarked (R-TALLY-1)
    canonical: dict[str, object]  # {"<item id>": "yes" | [candidate ids sorted] | "abstain"} of marked items
    items: tuple[Item, ...] = ()  # the items on the ballot (R-MTG-9: of its flats' scopes)

    def for_flat(self, flat_id: int, building_id: int) -> tuple[tuple[Mark, ...], bool]:
        """The marks written for one flat of the ballot and whether its ballot is partial: an item
        of a scope the flat is not in is neither marked nor missing for it (R-MTG-9)."""
        scoped = {i.pk: i for i in self.items if i.scope != Item.Scope.ESTATE}
        if not scoped:
            return self.marks, self.partial
        mine = {i.pk for i in self.items if scopes.covers(i, flat_id, building_id)}
        marks = tuple(m for m in self.marks if m.item_id in mine)
        return marks, len(mine) > len({m.item_id for m in marks})


def meeting_items(meeting: Meeting) -> list[Item]:
    """The meeting's items with their candidates, in order (two queries), and the ids of their
    scopes' buildings or flats (``scopes.load``: no query when every item concerns the estate)."""
    items = list(
        Item.objects.filter(meeting=meeting).prefetch_related("candidates").order_by("position", "id")
    )
    scopes.load(items)
    return items


def items_for(items: Sequence[Item], flats: Sequence[tuple[int, int]] | None) -> list[Item]:
    """The items a ballot for ``flats`` ((flat id, building id) pairs) offers: those whose scope
    holds at least one of them (R-MTG-9). ``None``: every item."""
    if flats is None:
        return list(items)
    return [i for i in items if any(scopes.covers(i, f, b) for f, b in flats)]


# Items cannot change once a meeting is published, so while its voting runs every cast may read
# them from memory instead of asking the database twice: one entry per (meeting, version, creation
# time), the oldest dropped beyond _FROZEN_MAX. The lists are only read, so the threads of a worker
# can share them.
_FROZEN_MAX = 256
_frozen: OrderedDict[tuple, list[Item]] = OrderedDict()
_frozen_lock = threading.Lock()


def voting_items(meeting: Meeting) -> list[Item]:
    """``meeting_items`` of a meeting whose voting is running, from memory after the first call.
    Any other status reads the database (``meeting_items``)."""
    if meeting.status != Meeting.Status.VOTING:
        return meeting_items(meeting)
    key = (meeting.pk, meeting.version, meeting.created_at)
    with _frozen_lock:
        items = _frozen.get(key)
        if items is not None:
            _frozen.move_to_end(key)
            return items
    items = meeting_items(meeting)
    with _frozen_lock:
        _frozen[key] = items
        while len(_frozen) > _FROZEN_MAX:
            _frozen.popitem(last=False)
    return items


def clean(
    items: Sequence[Item], answers: Mapping | None, flats: Sequence[tuple[int, int]] | None = None
) -> CleanBallot:
    """Check ``answers`` against ``items`` (those of the ballot of ``flats``, R-MTG-9). Raises
    ``InvalidInput`` (422 ``invalid_input``) with one message per item in ``details`` (key
    ``item:<id>``), ``ballot.out_of_scope`` when it answers an item none of its flats votes on, or
    ``ballot.empty`` when nothing is marked: a ballot that marks nothing is not a ballot."""
    if answers is None:
        answers = {}
    if not isinstance(answers, Mapping):
        raise InvalidInput(
            Code.INVALID_INPUT, _("The ballot could not be read."), details={"answers": "not an object"}
        )
    every = {item.pk for item in items}
    items = items_for(items, flats)
    by_id = {item.pk: item for item in items}
    errors: dict[str, str] = {}
    given: dict[int, object] = {}
    outside: dict[str, str] = {}
    for key, value in answers.items():
        try:
            item_id = int(key)
        except (TypeError, ValueError):
            errors[f"item:{key}"] = str(_("This item is not on the ballot."))
            continue
        if item_id in every and item_id not in by_id and value not in (None, "", []):
            outside[f"item:{key}"] = str(
                _("Your flats are not in the scope of this item: it is not on your ballot.")
            )
            continue
        if item_id not in by_id:
            errors[f"item:{key}"] = str(_("This item is not on the ballot."))
            continue
        given[item_id] = value
    if outside:
        raise InvalidInput(
            Code.OUT_OF_SCOPE,
            _("The ballot answers an item for part of the estate that your flats are not in."),
            details=outside,
        )
    marks: list[Mark] = []
    canonical: dict[str, object] = {}
    unmarked = 0
    for item in items:
        value = given.get(item.pk)
        if value is None or value == "" or value == []:
            unmarked += 1
            continue
        key = f"item:{item.pk}"
        if item.kind == Item.Kind.QUESTION:
            if not isinstance(value, str) or value not in QUESTION_ANSWERS:
                errors[key] = str(_("Choose yes, no or abstain."))
                continue
            marks.append(Mark(item.pk, value))
            canonical[str(item.pk)] = value
            continue
        # an election
        if value == Answer.ABSTAIN:
            marks.append(Mark(item.pk, Answer.ABSTAIN))
            canonical[str(item.pk)] = Answer.ABSTAIN
            continue
        if isinstance(value, (str, int)) or not isinstance(value, Sequence):
            value = [value]
        try:
            chosen = [int(v) for v in value]
        except (TypeError, ValueError):
            errors[key] = str(_("Choose candidates from the list."))
            continue
        known = {c.pk for c in item.candidates.all()}
        if len(set(chosen)) != len(chosen):
            errors[key] = str(_("A candidate can be chosen only once."))
        elif any(c not in known for c in chosen):
            errors[key] = str(_("Choose candidates from the list."))
        elif len(chosen) > (item.max_choices or 0):
            errors[key] = str(_("Choose at most %(n)s candidates.") % {"n": item.max_choices})
        else:
            marks.extend(Mark(item.pk, Answer.YES, c) for c in sorted(chosen))
            canonical[str(item.pk)] = sorted(chosen)
    if errors:
        raise InvalidInput(Code.INVALID_INPUT, _("Some answers on the ballot are not valid."), details=errors)
    if not marks:
        raise InvalidInput(
            Code.BALLOT_EMPTY, _("The ballot marks no item: mark at least one before submitting.")
        )
    return CleanBallot(marks=tuple(marks), partial=unmarked > 0, canonical=canonical, items=tuple(items))


def write(
    *,
    meeting: Meeting,
    roll: Sequence[RollFlat],
    ballot: CleanBallot,
    channel: str,
    cast_at: dt.datetime,
    superseded: bool = False,
    per_flat: Mapping[int, Mapping] | None = None,
    submission: Submission | None = None,
    **fields,
) -> list[Ballot]:
    """Insert one ``Ballot`` per flat of ``roll`` and all their ``Choice`` rows: two multi-row
    INSERTs whatever the number of flats and items. ``fields`` are the ballot's other columns
    (cast_by, binding, proxy / count_session, dated_on); ``per_flat`` adds columns that differ
    from flat to flat (``{flat_id: {"binding_id": ...}}``). The ``submission`` (the electronic
    receipt) is linked to the ballots; an unsaved one is inserted with them: on PostgreSQL the
    three tables take one statement. The unique constraints raise ``IntegrityError`` for a flat
    that already has a ballot of this channel; the caller turns it into a refusal."""
    marks = [ballot.for_flat(r.flat_id, r.building_id) for r in roll]
    ballots = [
        Ballot(
            meeting=meeting,
            flat_id=r.flat_id,
            channel=channel,
            area=r.area,
            owner_group=r.owner_group,
            partial=partial,
            superseded=superseded,
            cast_at=cast_at,
            submission=submission,
            **fields,
            **(per_flat.get(r.flat_id, {}) if per_flat else {}),
        )
        for r, (_marks, partial) in zip(roll, marks, strict=True)
    ]
    # The choices' columns by attname (but ballot_id, known once the ballots are in), not Choice
    # instances: a cast of 20 items on PostgreSQL inserts them without building one.
    choices, of_ballot = [], []
    for n, (b, (flat_marks, _partial)) in enumerate(zip(ballots, marks, strict=True)):
        for m in flat_marks:
            of_ballot.append(n)
            choices.append(
                {
                    "meeting_id": meeting.pk,
                    "item_id": m.item_id,
                    "candidate_id": m.candidate_id,
                    "answer": m.answer,
                    "area": b.area,
                    "owner_group": b.owner_group,
                    "counted": not superseded,
                }
            )
    new_receipt = submission is not None and submission._state.adding
    if new_receipt and connection.vendor == "postgresql":
        _insert_cast(submission, ballots, choices, of_ballot=of_ballot)
        return ballots
    if new_receipt:
        submission.save()
        for b in ballots:
            b.submission = submission
    Ballot.objects.bulk_create(ballots)
    if ballots and ballots[0].pk is None:  # a backend that does not return ids (not ours)
        by_flat = dict(Ballot.objects.filter(meeting=meeting, channel=channel).values_list("flat_id", "pk"))
        for b in ballots:
            b.pk = b.id = by_flat[b.flat_id]
    Choice.objects.bulk_create(
        Choice(ballot_id=ballots[n].pk, **c) for c, n in zip(choices, of_ballot, strict=True)
    )
    return ballots


def _insert_cast(submission: Submission, ballots: list[Ballot], choices: list[dict], *, of_ballot: list[int]):
    """The receipt, its ballots and their choices in one statement (PostgreSQL): one round trip
    instead of three on the path every electronic cast takes. Sets the new rows' ids."""
    qn = connection.ops.quote_name
    s_cols, s_rows, s_params = bulk.values_of(bulk.columns_of(Submission), [submission])
    b_fields = bulk.columns_of(Ballot, skip=["submission_id"])
    b_cols, b_rows, b_params = bulk.unnest_of(b_fields, ballots)
    c_fields = bulk.columns_of(Choice, skip=["ballot_id"])
    flat_of = [ballots[n].flat_id for n in of_ballot]
    c_cols, c_rows, c_params = bulk.unnest_rows(c_fields, choices, keys=[("k_flat", "bigint", flat_of)])
    c_names = ", ".join(qn(f.column) for f in c_fields)
    c_only = ", ".join(f"v.{qn(f.column)}" for f in c_fields)
    # Names come from the models' _meta and are quoted; every value is a parameter, one array per
    # column for the ballots and choices: the text is the same whatever the flats and items.
    sql = f"""
WITH s AS (
  INSERT INTO {qn(Submission._meta.db_table)} ({s_cols}) VALUES {s_rows} RETURNING id
), b AS (
  INSERT INTO {qn(Ballot._meta.db_table)} (submission_id, {b_cols})
  SELECT s.id, v.* FROM s, {b_rows} AS v({b_cols})
  RETURNING id, flat_id
), c AS (
  INSERT INTO {qn(Choice._meta.db_table)} (ballot_id, {c_names})
  SELECT b.id, {c_only} FROM b JOIN {c_rows} AS v({c_cols}) ON v.k_flat = b.flat_id
)
SELECT (SELECT id FROM s), b.id, b.flat_id FROM b"""  # noqa: S608
    with prepared.cursor() as cursor:
        cursor.execute(sql, s_params + b_params + c_params)
        rows = cursor.fetchall()
    bulk.saved(submission, rows[0][0])
    by_flat = {flat_id: pk for _s, pk, flat_id in rows}
    for b in ballots:
        bulk.saved(b, by_flat[b.flat_id])
        b.submission = submission


def described(items: Sequence[Item], choices: Sequence[Choice]) -> list[dict]:
    """A ballot as a person reads it, item by item: ``{"item", "kind", "answer", "candidates"}``
    with ``answer`` empty for an unmarked item (counted as an abstention)."""
    names = {c.pk: c.name for item in items for c in item.candidates.all()}
    rows = []
    for item in items:
        mine = [c for c in choices if c.item_id == item.pk]
        chosen = [names.get(c.candidate_id, "") for c in mine if c.candidate_id]
        answer = "yes" if chosen else (mine[0].answer if mine else "")
        rows.append(
            {
                "item_id": item.pk,
                "position": item.position,
                "item": item.title,
                "kind": item.kind,
                "answer": answer,
                "candidates": chosen,
            }
        )
    return rows
