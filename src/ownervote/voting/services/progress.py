"""Live progress of a meeting's voting (R-VOTE-2, R-VOTE-3) and its close.

- ``add_ballots``: called in the transaction that writes counted ballots (the electronic cast, the
  paper count) after ``answers.write``: it adds the new ballots to the ``Progress`` rows of
  the meeting and of each building (``n = n + k``), so that a page never rescans the ballots.
  The updates go to one of ``ProgressSlot.SLOTS`` slot rows (issue 21: no row every cast writes):
  the owner groups already counted (one query, unless the caller read them), then one UPDATE per
  touched building by its unique index, then the meeting's slot last.
- ``counted``: one counter row with its slots added (exact: the slots are summed on read).
- ``figures``: the counters as pages and the API show them (percentages as exact strings).
- ``not_voted``: the roll flats without a counted ballot (never how anyone voted).
- ``voting_close``: the meeting goes VOTING → CLOSED at ``voting_closes_at`` (the task
  ``voting.tasks.close_voting`` runs it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core import prepared
from ownervote.core.access import fetch
from ownervote.core.errors import Conflict, require
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Eligibility, Meeting
from ownervote.notify import sms_titles
from ownervote.notify.services import notify, short_title
from ownervote.roster.models import Ownership

from ..access import Need, access_voting, meeting_missing
from ..errors import Code
from ..models import Ballot, Channel, Progress, ProgressSlot, Reminder, ReminderRecipient, RollFlat
from . import locks

SYSTEM = "system"
ZERO = Decimal("0.00")


# --- which meeting -----------------------------------------------------------------------------


def when(moment: dt.datetime) -> str:
    return timezone.localtime(moment, meeting_selectors.beijing()).strftime("%Y-%m-%d %H:%M")


def _require_started(meeting: Meeting) -> None:
    require(
        meeting.status in (Meeting.Status.VOTING, Meeting.Status.CLOSED),
        Conflict(Code.VOTING_NOT_OPEN, _("The voting of this meeting has not opened yet.")),
    )


def meeting_to_watch(actor, meeting_id: int) -> Meeting:
    """The meeting whose progress ``actor`` watches (convener, street office: ``Need.WATCH``); 409
    ``meeting.voting_not_open`` before voting opened."""
    meeting = access_voting(actor, meeting_id, need=Need.WATCH)
    _require_started(meeting)
    return meeting


def progress_for(actor, meeting_id: int) -> dict:
    """The figures for the convener, the street office, and an owner who has voted (R-VOTE-3,
    ``Need.FOLLOW``); 409 ``meeting.voting_not_open`` before voting opened."""
    meeting = access_voting(actor, meeting_id, need=Need.FOLLOW)
    _require_started(meeting)
    return figures(meeting)


# --- counters ----------------------------------------------------------------------------------


def add_ballots(*, meeting: Meeting, ballots: Sequence[Ballot], before: dict | None = None) -> None:
    """Add freshly written *counted* ballots (not superseded) to the meeting's counters. The
    ballots are already inserted. Owners count once per owner group: a group counts when none of
    its flats had a counted ballot before these. ``before``: ``{flat_id: (building_id, group had a
    counted ballot, group had one in that building)}`` when the caller read it before writing the
    ballots (the electronic cast does, with its other facts); otherwise one query reads it here."""
    ballots = [b for b in ballots if not b.superseded]
    if not ballots:
        return
    meeting_id = meeting.pk
    if before is None:
        before = _counted_before(meeting_id, ballots)
    building_of: dict[int, int] = {}
    seen: set[str] = set()
    seen_in: set[tuple[int, str]] = set()
    groups = {b.flat_id: b.owner_group for b in ballots}
    for flat_id, (building_id, was_seen, was_seen_here) in before.items():
        building_of[flat_id] = building_id
        if was_seen:
            seen.add(groups[flat_id])
        if was_seen_here:
            seen_in.add((building_id, groups[flat_id]))
    per_building: dict[int, dict] = defaultdict(
        lambda: {"flats": 0, "area": ZERO, "owners": set(), "electronic": 0, "paper": 0}
    )
    total = {"flats": 0, "area": ZERO, "owners": set(), "electronic": 0, "paper": 0}
    for b in ballots:
        building_id = building_of.get(b.flat_id)
        if b.owner_group not in seen:
            total["owners"].add(b.owner_group)
        if (building_id, b.owner_group) not in seen_in:
            per_building[building_id]["owners"].add(b.owner_group)
        for acc in (per_building[building_id], total):
            acc["flats"] += 1
            acc["area"] += Decimal(b.area)
            if b.channel == Channel.ELECTRONIC:
                acc["electronic"] += 1
            else:
                acc["paper"] += 1
    # One slot for the whole batch, chosen from its first flat: casts of other flats mostly land on
    # other slots. Buildings in ascending order, then the meeting: every transaction locks its slot
    # rows in the same order, so two never wait on each other in a cycle.
    # A flat not on the roll (building None) counts in the meeting's slot only.
    rows = [(b, acc) for b, acc in sorted(per_building.items(), key=lambda kv: kv[0] or 0) if b is not None]
    _bump_all(meeting_id, slot_of(ballots), [*rows, (None, total)])


def _counted_before(meeting_id: int, ballots: Sequence[Ballot]) -> dict[int, tuple[int, bool, bool]]:
    """One query: each new flat's building (from the frozen roll) and whether its owner group had
    a counted ballot before this batch, in the meeting and in that building (a group may span
    buildings: it counts once in each, and once in the meeting). The group's flats are found
    through the roll's (meeting, owner group) index, never by scanning the meeting's ballots."""
    new_ids = [b.pk for b in ballots]
    counted = Ballot.objects.filter(meeting_id=meeting_id, superseded=False).exclude(pk__in=new_ids)
    group_flats = RollFlat.objects.filter(meeting_id=meeting_id, owner_group=OuterRef("owner_group")).filter(
        Exists(counted.filter(flat_id=OuterRef("flat_id")))
    )
    roll = (
        RollFlat.objects.filter(meeting_id=meeting_id, flat_id__in=[b.flat_id for b in ballots])
        .annotate(
            seen=Exists(group_flats),
            seen_here=Exists(group_flats.filter(building_id=OuterRef("building_id"))),
        )
        .values_list("flat_id", "building_id", "seen", "seen_here")
    )
    return {flat_id: (building_id, seen, here) for flat_id, building_id, seen, here in roll}


def slot_of(ballots: Sequence[Ballot]) -> int:
    """The slot a batch of ballots is added to: its first flat's, so that concurrent casts of
    different flats mostly write different rows (any slot gives the same sums)."""
    return min(b.flat_id for b in ballots) % ProgressSlot.SLOTS


# One slot row, by its unique index (``progress_slot_per_building``, ``progress_slot_per_meeting``):
# a plain UPDATE each, prepared once per connection. Issued in the order above (buildings
# ascending, the meeting last), each taking its row's lock as it runs, so that two casts never
# wait on each other in a cycle. (One statement for all the rows, an ordered FOR UPDATE then the
# UPDATE, cost PostgreSQL half as much again: a sort, a lock record and a join for two rows.)
_SET = """UPDATE voting_progressslot SET flats_voted = flats_voted + %s, area_voted = area_voted + %s,
  owners_voted = owners_voted + %s, electronic = electronic + %s, paper = paper + %s, updated_at = %s
WHERE meeting_id = %s AND slot = %s AND """
_BUMP_BUILDING = _SET + "building_id = %s"
_BUMP_MEETING = _SET + "building_id IS NULL"


class SlotsMissing(Exception):
    """A slot row that a batched cast bumped does not exist (``ProgressSlot.SLOTS`` was raised
    after the meeting's voting opened). Creating it there would lock it after the meeting's slot,
    against the order every cast keeps: the cast's transaction is rolled back instead, the caller
    creates the meeting's slots (``create_slots``) and runs the cast again."""

    def __init__(self, meeting_id: int):
        super().__init__(meeting_id)
        self.meeting_id = meeting_id


def _bump_all(meeting_id: int, slot: int, rows: list[tuple[int | None, dict]]) -> None:
    """Add each ``(building id or None for the meeting, increments)`` to its slot ``slot``, in
    the order given. Inside a ``prepared.batch()`` (the cast) the UPDATEs go with the statements
    before them and their row counts are checked when it ends: a slot row missing then raises
    ``SlotsMissing``. Otherwise each runs at once, and a slot row missing (the slots are fewer
    than ``SLOTS``) is created there, once (``ignore_conflicts``: two transactions may create it at
    once), then bumped, before the next row is locked."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    batched = prepared.batching()
    for building_id, acc in rows:
        params = [
            acc["flats"],
            acc["area"],
            len(acc["owners"]),
            acc["electronic"],
            acc["paper"],
            now,
            meeting_id,
            slot,
        ]
        sql = _BUMP_MEETING if building_id is None else _BUMP_BUILDING
        if building_id is not None:
            params.append(building_id)

        def bumped(cursor, sql=sql, params=params, building_id=building_id) -> None:
            if cursor.rowcount:
                return
            if batched:
                raise SlotsMissing(meeting_id)
            ProgressSlot.objects.bulk_create(
                [ProgressSlot(meeting_id=meeting_id, building_id=building_id, slot=slot)],
                ignore_conflicts=True,
            )
            cursor.execute(sql, params)

        prepared.deferred(sql, params, then=bumped)


def create_slots(*, meeting_id: int) -> None:
    """Every slot row of the meeting's counters that is missing (``SlotsMissing``), in a
    transaction of its own; the ones that exist are left as they are."""
    buildings = (
        Progress.objects.filter(meeting_id=meeting_id, building__isnull=False)
        .order_by("building_id")
        .values_list("building_id", flat=True)
    )
    with transaction.atomic():
        ProgressSlot.objects.bulk_create(slots_for(meeting_id, list(buildings)), ignore_conflicts=True)


def slots_for(meeting_id: int, building_ids) -> list[ProgressSlot]:
    """The empty slot rows of a meeting's counters (the meeting's and each building's), written
    with the ``Progress`` rows when voting opens."""
    return [
        ProgressSlot(meeting_id=meeting_id, building_id=b, slot=slot)
        for b in [None, *building_ids]
        for slot in range(ProgressSlot.SLOTS)
    ]


def percent(part, whole) -> str:
    """``part`` of ``whole`` in per cent with two decimals, exact (Decimal, half up): "66.67"."""
    part, whole = Decimal(part), Decimal(whole)
    if not whole:
        return "0.00"
    return str((part * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


_FIGURES = (
    "flats_total",
    "flats_voted",
    "area_total",
    "area_voted",
    "owners_total",
    "owners_voted",
    "electronic",
    "paper",
)


_VOTED = ("flats_voted", "area_voted", "owners_voted", "electronic", "paper")


def _slot_sums(meeting_id: int) -> dict[int | None, dict]:
    """building id (None: the meeting) -> its slots summed, and their latest ``updated_at``
    (one GROUP BY over at most ``SLOTS`` rows a building)."""
    rows = (
        ProgressSlot.objects.filter(meeting_id=meeting_id)
        .order_by()
        .values("building_id")
        .annotate(**{f: Sum(f) for f in _VOTED}, last=Max("updated_at"))
    )
    return {r["building_id"]: r for r in rows}


# The area's step (``area_voted``: two decimal places). SQLite sums a decimal column as a float,
# which Django hands back with 15 significant digits ("438.520000000000"), not quantized as it
# quantizes a column read as it is: the sum is brought back to the column's step here.
AREA_STEP = Decimal("0.01")


def _add_slots(p: dict, added: dict | None) -> None:
    if not added:
        return
    for f in _VOTED:
        p[f] = p[f] + (added[f] or 0)
    p["area_voted"] = Decimal(p["area_voted"]).quantize(AREA_STEP)
    if added["last"] and (p["updated_at"] is None or added["last"] > p["updated_at"]):
        p["updated_at"] = added["last"]


@dataclass(frozen=True)
class Counted:
    """A ``Progress`` row with its slots added: what has been counted in the meeting (or one
    building) so far, and the totals."""

    flats_total: int
    area_total: Decimal
    owners_total: int
    flats_voted: int
    area_voted: Decimal
    owners_voted: int
    electronic: int
    paper: int


def counted(meeting_id: int, building_id: int | None = None) -> Counted | None:
    """The meeting's counters (or one building's) with the slots added; None without a
    ``Progress`` row (voting not opened). Two queries."""
    rows = Progress.objects.filter(meeting_id=meeting_id)
    rows = rows.filter(building_id=building_id) if building_id else rows.filter(building__isnull=True)
    p = rows.values("updated_at", "area_total", "flats_total", "owners_total", *_VOTED).first()
    if p is None:
        return None
    slots = ProgressSlot.objects.filter(meeting_id=meeting_id)
    slots = slots.filter(building_id=building_id) if building_id else slots.filter(building__isnull=True)
    _add_slots(p, slots.aggregate(**{f: Sum(f) for f in _VOTED}, last=Max("updated_at")))
    p.pop("updated_at")
    p["area_total"], p["area_voted"] = Decimal(p["area_total"]), Decimal(p["area_voted"])
    return Counted(**p)


def _row(p: dict) -> dict:
    return {
        "flats_total": p["flats_total"],
        "flats_voted": p["flats_voted"],
        "flats_percent": percent(p["flats_voted"], p["flats_total"]),
        "area_total": p["area_total"],
        "area_voted": p["area_voted"],
        "area_percent": percent(p["area_voted"], p["area_total"]),
        "owners_total": p["owners_total"],
        "owners_voted": p["owners_voted"],
        "owners_percent": percent(p["owners_voted"], p["owners_total"]),
        "electronic": p["electronic"],
        "paper": p["paper"],
    }


def figures(meeting: Meeting) -> dict:
    """The meeting's progress from the ``Progress`` rows only (one query): the totals and voted
    figures of flats, area (Decimal) and owners with exact percentages (strings), electronic and
    paper counts, ``updated_at``, and ``buildings`` (one dict per building, by name, with
    ``building_id`` and ``building``). Plain values, not model instances: a large estate has a row
    per building (a hundred or more) and the page refreshes every few seconds."""
    rows = list(
        Progress.objects.filter(meeting_id=meeting.pk)
        .order_by("building__sort_key", "building__name", "building_id")
        .values("building_id", "building__name", "updated_at", *_FIGURES)
    )
    added = _slot_sums(meeting.pk)
    for p in rows:
        _add_slots(p, added.get(p["building_id"]))
    head = next((p for p in rows if p["building_id"] is None), None)
    if head is None:
        head = dict.fromkeys(_FIGURES, 0)
    out = _row(head)
    out["updated_at"] = max((p["updated_at"] for p in rows if p["updated_at"]), default=None)
    out["buildings"] = [
        {"building_id": p["building_id"], "building": p["building__name"], **_row(p)}
        for p in rows
        if p["building_id"] is not None
    ]
    return out


# --- who has not voted -------------------------------------------------------------------------


def not_voted_page(meeting: Meeting, *, building_id: int | None, offset: int, limit: int) -> dict:
    """A window of ``not_voted`` as the API serves it, from the counters as the console page does
    (``NotVotedList``): ``count`` is the buildings' ``flats_total - flats_voted`` and the window
    reads only the buildings that hold its rows, never the whole roll (issue 21). ``next_offset``:
    the offset of the next window, None after the last. Whether a flat voted, never how."""
    rows = NotVotedList(meeting, figures(meeting)["buildings"], building_id)
    count = rows.count()
    flats = described_flats(rows[offset : offset + limit]) if offset < count else []
    return {
        "count": count,
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if offset + limit < count else None,
        "flats": flats,
    }


def not_voted(meeting: Meeting, *, building_id: int | None = None) -> QuerySet[RollFlat]:
    """The roll flats of the meeting without a counted ballot, by building and room (whether a
    flat voted, never how)."""
    counted = Ballot.objects.filter(meeting_id=meeting.pk, flat_id=OuterRef("flat_id"), superseded=False)
    rows = RollFlat.objects.filter(meeting_id=meeting.pk).filter(~Exists(counted))
    if building_id:
        rows = rows.filter(building_id=building_id)
    rows = rows.select_related("flat", "building")
    # Building by building in the order of ``figures`` (NotVotedList pages by it), rooms naturally.
    return rows.order_by("building__sort_key", "building__name", "building_id", "flat__sort_key", "pk")


class NotVotedList:
    """``not_voted`` as a paginator sees it, from the counters: its length is the buildings'
    ``flats_total - flats_voted``, and a page reads only the buildings that hold its rows. A page of
    a 50,000-flat meeting then costs one building's anti-join, not the whole roll's (bench/progress.py).
    ``buildings``: ``figures(meeting)["buildings"]`` (in the list's order)."""

    def __init__(self, meeting: Meeting, buildings: list[dict], building_id: int | None = None):
        self.meeting, self.building_id = meeting, building_id
        self.spans = [
            (b["building_id"], max(b["flats_total"] - b["flats_voted"], 0))
            for b in buildings
            if building_id is None or b["building_id"] == building_id
        ]

    def count(self) -> int:
        return sum(n for _b, n in self.spans)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[RollFlat]:
        start, stop = window.start or 0, window.stop
        stop = self.count() if stop is None else stop
        wanted, first, offset = [], None, 0
        for building_id, n in self.spans:
            if n and offset + n > start and offset < stop:
                wanted.append(building_id)
                first = offset if first is None else first
            offset += n
        if not wanted:
            return []
        rows = not_voted(self.meeting).filter(building_id__in=wanted)
        return list(rows[start - first : stop - first])


def described_flats(rows: Sequence[RollFlat]) -> list[dict]:
    """Roll flats as the not-voted list shows them: building, room, area and the current owners'
    masked names (one query)."""
    names: dict[int, list[str]] = {}
    for flat_id, name in (
        Ownership.objects.filter(flat_id__in=[r.flat_id for r in rows], ended_at__isnull=True)
        .order_by("flat_id", "pk")
        .values_list("flat_id", "owner__name_masked")
    ):
        names.setdefault(flat_id, []).append(name)
    return [
        {
            "flat_id": r.flat_id,
            "building_id": r.building_id,
            "building": r.building.name,
            "room": r.flat.room,
            "area": r.area,
            "owners": names.get(r.flat_id, []),
        }
        for r in rows
    ]


# --- closing -----------------------------------------------------------------------------------


def voting_close(*, meeting_id: int) -> Meeting:
    """The system closes the voting at ``voting_closes_at``: VOTING → CLOSED. Calling it again
    does nothing; before the close it is refused (409 ``meeting.voting_not_over``)."""
    S = Meeting.Status
    with transaction.atomic():
        locks.closing(meeting_id)  # waits for the casts in flight; later ones read CLOSED
        meeting = fetch(Meeting.objects, meeting_id, lock=True)  # the system: nobody to check
        require(meeting is not None, meeting_missing())
        if meeting.status == S.CLOSED:
            return meeting
        require(
            S.CLOSED in Meeting.TRANSITIONS[S(meeting.status)] and meeting.status == S.VOTING,
            Conflict(
                Code.MEETING_WRONG_STATUS, _("Only a meeting whose voting is open can close its voting.")
            ),
        )
        require(
            timezone.now() >= meeting.voting_closes_at,
            Conflict(
                Code.VOTING_NOT_OVER,
                _("Voting closes at %(when)s.")
                % {
                    "when": timezone.localtime(
                        meeting.voting_closes_at, meeting_selectors.beijing()
                    ).strftime("%Y-%m-%d %H:%M")
                },
            ),
        )
        meeting.status = S.CLOSED
        meeting.save(update_fields=["status", "updated_at"])
        head = counted(meeting.pk)
        record(
            actor=SYSTEM,
            action="meeting.voting_closed",
            obj=meeting,
            estate_id=meeting.estate_id,
            summary={
                "closes_at": meeting.voting_closes_at.isoformat(),
                "flats_voted": head.flats_voted if head else 0,
                "flats_total": head.flats_total if head else 0,
            },
        )
    return meeting


# --- reminders (R-VOTE-2) ----------------------------------------------------------------------


def _to_remind(meeting: Meeting) -> dict[int, dict]:
    """Everybody eligible for a roll flat that has not voted: ``{user_id: {"user", "electronic"}}``
    where ``electronic`` says some such flat of theirs may vote on the phone."""
    counted = Ballot.objects.filter(meeting_id=meeting.pk, flat_id=OuterRef("flat_id"), superseded=False)
    on_roll = RollFlat.objects.filter(meeting_id=meeting.pk, flat_id=OuterRef("flat_id"))
    rows = (
        Eligibility.objects.filter(meeting_id=meeting.pk)
        .filter(Exists(on_roll))
        .filter(~Exists(counted))
        .select_related("user")
        .order_by("user_id", "pk")
    )
    paper_meeting = meeting.method == Meeting.Method.PAPER
    out: dict[int, dict] = {}
    for row in rows:
        entry = out.setdefault(row.user_id, {"user": row.user, "electronic": False})
        if row.mode == Eligibility.Mode.ELECTRONIC and not paper_meeting:
            entry["electronic"] = True
    return out


def reminder_preview(actor, meeting_id: int) -> dict:
    """How many people a press of "remind" would message now, and how many it would skip."""
    meeting = meeting_to_watch(actor, meeting_id)
    people = _to_remind(meeting)
    today = meeting_selectors.local_day(timezone.now())
    already = set(
        ReminderRecipient.objects.filter(
            meeting_id=meeting.pk, on_date=today, user_id__in=list(people)
        ).values_list("user_id", flat=True)
    )
    return {"recipients": len(people) - len(already), "skipped": len(already)}


def reminders_send(*, actor, meeting_id: int) -> Reminder:
    """Remind everybody eligible for a flat that has not voted (R-VOTE-2, art. 17): those who may
    vote electronically to vote on the phone, paper-only voters to hand in their paper ballot.
    Nobody is messaged twice on one Beijing day: people already reminded today are skipped (and
    counted in ``skipped``). Convener only, while the voting is open (409 ``meeting.voting_not_open``)."""
    with transaction.atomic():
        meeting = access_voting(actor, meeting_id, need=Need.RUN, lock=True)
        now = timezone.now()
        require(
            meeting.status == Meeting.Status.VOTING
            and meeting.voting_opens_at <= now < meeting.voting_closes_at,
            Conflict(Code.VOTING_NOT_OPEN, _("Reminders are sent while the voting is open.")),
        )
        today = meeting_selectors.local_day(now)
        people = _to_remind(meeting)
        already = set(
            ReminderRecipient.objects.filter(
                meeting_id=meeting.pk, on_date=today, user_id__in=list(people)
            ).values_list("user_id", flat=True)
        )
        fresh = [p for uid, p in people.items() if uid not in already]
        reminder = Reminder.objects.create(
            meeting=meeting, sent_by=actor, recipients=len(fresh), skipped=len(already)
        )
        ReminderRecipient.objects.bulk_create(
            [
                ReminderRecipient(reminder=reminder, meeting=meeting, user=p["user"], on_date=today)
                for p in fresh
            ]
        )
        _tell_reminded(meeting, fresh, today)
        record(
            actor=actor,
            action="voting.reminded",
            obj=meeting,
            estate_id=meeting.estate_id,
            summary={
                "reminder": reminder.pk,
                "recipients": len(fresh),
                "skipped": len(already),
                "on_date": today.isoformat(),
            },
        )
    return reminder


def _tell_reminded(meeting: Meeting, people: list[dict], today: dt.date) -> None:
    if not people:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("Reminder: vote on “%(title)s”") % {"title": meeting.title}
        closes = gettext("Voting closes at %(when)s.") % {"when": when(meeting.voting_closes_at)}
        common = {
            "kind": "voting.reminder",
            "title": title,
            "link": reverse("voting:vote", args=[meeting.pk]),
            "estate": meeting.estate,
            "sms": True,
            "sms_title": short_title(
                sms_titles.VOTING_REMINDER, meeting=meeting.title, estate=meeting.estate.name
            ),
            "event": f"meeting:{meeting.pk}:reminder:{today.isoformat()}",
        }
        electronic = [p["user"] for p in people if p["electronic"]]
        paper = [p["user"] for p in people if not p["electronic"]]
        if electronic:
            notify(
                users=electronic,
                body=gettext("Your flat has not voted yet: vote on your phone before the close.")
                + "\n"
                + closes,
                **common,
            )
        if paper:
            notify(
                users=paper,
                body=gettext("Your flat has not voted yet: hand in your paper ballot before the close.")
                + "\n"
                + closes,
                **common,
            )
