"""The public count of paper ballots (R-PAPER-1..4, R-TALLY-9, art. 11, 22, 24).

- ``session_open``: the convener opens a count once the electronic voting has closed, with the
  caller (唱票人), counter (计票人) and scrutineer (监票人) recorded (refused without all three) and the
  street office's staff invited through the outbox with the time and place (R-PAPER-3).
- ``entry_save`` / ``entry_delete``: what a clerk types for one flat's paper (round 1), an
  independent second entry (round 2, when the session asks for one) and the resolution of a
  mismatch or conflict (round 3). Answers are checked by ``answers.clean``, exactly as an
  electronic ballot is. Each entry records when and how the paper was received (the ballot box
  collected, or handed in); a paper received after the electronic close, or dated after it, is
  refused and nothing is recorded (art. 11, R-PAPER-2).
- ``mismatches`` (rounds 1 and 2 disagree) and ``group_conflicts`` (flats of one counted owner
  whose papers disagree, R-TALLY-9) must be resolved before ``session_commit`` writes one paper
  ``Ballot`` per flat. A flat that also voted electronically keeps its paper ballot on record,
  marked superseded: the electronic one counts (R-PAPER-1).
- A meeting held wholly on paper (R-PAPER-4) is counted the same way.
- Once a version of the result is publicised, its ballots are sealed (R-SEC-6, ``services.seal``):
  every step here is refused (409 ``ballot.sealed``) unless the convener has opened a correction of
  the result, with its reason (``results.services.corrections``).

The printed ballot (its QR code, the flat and the answers as a clerk types them, the flats to print)
is ``services.paper_ballots``; a session is reached through ``access.access_session``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.errors import Conflict, InvalidInput, NotFound, require
from ownervote.core.validators import is_plausible_year
from ownervote.meetings import audiences
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Meeting
from ownervote.meetings.selectors import local_minute
from ownervote.notify import sms_titles
from ownervote.notify.services import notify, short_title

from ..access import Need, access_session, access_voting
from ..errors import Code
from ..models import Ballot, Channel, CountSession, PaperEntry, RollFlat
from . import answers as ballot_answers
from .paper_ballots import close_date, flat_label, require_paper
from .progress import add_ballots
from .seal import require_unsealed

S = Meeting.Status
R = PaperEntry.Round

ROLES = ("caller", "counter", "scrutineer")


# --- helpers ----------------------------------------------------------------------------------


def _require_open(session: CountSession) -> None:
    require(
        session.status == CountSession.Status.OPEN,
        Conflict(Code.SESSION_COMMITTED, _("This count session is already committed.")),
    )


def _require_countable(meeting: Meeting, now: dt.datetime) -> None:
    require_paper(meeting)
    require(
        meeting.status in (S.VOTING, S.CLOSED),
        Conflict(Code.PAPER_WRONG_STATUS, _("Paper ballots are counted only after the voting of a meeting.")),
    )
    require(
        now >= meeting.voting_closes_at,
        Conflict(
            Code.NOT_CLOSED,
            _("Paper ballots are opened once the voting has closed, at %(when)s.")
            % {"when": local_minute(meeting.voting_closes_at)},
        ),
    )


# --- opening a count --------------------------------------------------------------------------


def session_open(
    *,
    actor,
    meeting_id: int,
    caller: str,
    counter: str,
    scrutineer: str,
    place: str = "",
    double_entry: bool = False,
    invited_ids: Iterable[int] = (),
) -> CountSession:
    """Open the public count of the meeting's paper ballots (R-PAPER-3, art. 24)."""
    with transaction.atomic():
        meeting = access_voting(actor, meeting_id, need=Need.COUNT, lock=True)
        now = timezone.now()
        _require_countable(meeting, now)
        require_unsealed(meeting)  # R-SEC-6: after the result's publicity, only through a correction
        require(
            not CountSession.objects.filter(meeting=meeting, status=CountSession.Status.OPEN).exists(),
            Conflict(Code.SESSION_OPEN, _("A count session of this meeting is already open.")),
        )
        values = {"caller": caller, "counter": counter, "scrutineer": scrutineer}
        values = {k: str(v or "").strip()[:100] for k, v in values.items()}
        errors = {}
        labels = {
            "caller": _("Name the caller, who reads out each ballot."),
            "counter": _("Name the counter, who records each ballot."),
            "scrutineer": _("Name the scrutineer, who watches the count."),
        }
        for role in ROLES:
            if not values[role]:
                errors[role] = str(labels[role])
        staff = {u.pk: u for u in audiences.supervisor_users(meeting)}
        invited_ids = [int(i) for i in invited_ids or ()]
        if invited_ids:
            strangers = [i for i in invited_ids if i not in staff]
            if strangers:
                errors["invited_ids"] = str(
                    _("Invite staff of the district bureau that supervises this meeting only.")
                    if meeting.supervised_by_district  # R-ORG-3
                    else _("Invite staff of the estate's street office only.")
                )
            invited = [staff[i] for i in invited_ids if i in staff]
        else:
            invited = list(staff.values())
        if errors:
            raise InvalidInput(
                Code.INVALID_INPUT,
                _("The count needs a caller, a counter and a scrutineer (art. 24)."),
                details=errors,
            )
        try:
            with transaction.atomic():
                session = CountSession.objects.create(
                    meeting=meeting,
                    place=str(place or "").strip()[:300],
                    double_entry=bool(double_entry),
                    opened_by=actor,
                    **values,
                )
        except IntegrityError as exc:
            raise Conflict(Code.SESSION_OPEN, _("A count session of this meeting is already open.")) from exc
        session.invited.set(invited)
        record(
            actor=actor,
            action="paper.session_opened",
            obj=session,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                **values,
                "place": session.place,
                "double_entry": session.double_entry,
                "invited": [u.pk for u in invited],
            },
        )
        if invited:
            _tell_invited(meeting, session, invited)
    return session


def _link(name: str, *args) -> str:
    try:
        return reverse(f"voting:{name}", args=args)
    except NoReverseMatch:  # the console's routes are not mounted (an API-only deployment)
        return ""


def _tell_invited(meeting: Meeting, session: CountSession, users: list) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("Public count of paper ballots: %(title)s") % {"title": meeting.title}
        body = gettext(
            "The paper ballots of “%(title)s” are counted in public from %(when)s at %(place)s. "
            "Caller: %(caller)s; counter: %(counter)s; scrutineer: %(scrutineer)s. "
            "You are invited to attend (art. 24)."
        ) % {
            "title": meeting.title,
            "when": local_minute(session.opened_at),
            "place": session.place or meeting.place,
            "caller": session.caller,
            "counter": session.counter,
            "scrutineer": session.scrutineer,
        }
    notify(
        users=users,
        kind="voting.count_session",
        title=title,
        body=body,
        link=_link("count_session", session.pk),
        estate=meeting.estate,
        sms=True,
        sms_title=short_title(sms_titles.COUNT_SESSION, meeting=meeting.title, estate=meeting.estate.name),
        event=f"meeting:{meeting.pk}:count:{session.pk}",
    )


# --- entry ------------------------------------------------------------------------------------


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _moment(value) -> dt.datetime | None:
    """An aware datetime from a datetime or an ISO string; a naive one is Beijing time."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if not isinstance(value, dt.datetime) or not is_plausible_year(value.year):
        return None  # year 1 or 9999 would overflow when compared in UTC
    return value if timezone.is_aware(value) else value.replace(tzinfo=meeting_selectors.beijing())


def _dated(meeting: Meeting, dated_on) -> dt.date:
    """The date written on the paper: not after the close date (art. 11). 422 ``invalid_input``,
    ``paper.after_close``."""
    day = _date(dated_on)
    require(
        day is not None,
        InvalidInput(
            Code.INVALID_INPUT,
            _("Give the date written on the ballot."),
            details={"dated_on": "YYYY-MM-DD"},
        ),
    )
    last = close_date(meeting)
    require(
        day <= last,
        InvalidInput(
            Code.AFTER_CLOSE,
            _("A paper ballot dated after the close of the voting (%(day)s) does not count (art. 11).")
            % {"day": last.isoformat()},
            details={"dated_on": last.isoformat()},
        ),
    )
    require(  # year 1, say: not a date anybody wrote on a ballot (and its arithmetic overflows)
        is_plausible_year(day.year),
        InvalidInput(
            Code.INVALID_INPUT,
            _("Give the date written on the ballot."),
            details={"dated_on": "YYYY-MM-DD"},
        ),
    )
    return day


def _received(meeting: Meeting, received_at, received_via) -> tuple[dt.datetime, str]:
    """When and how a paper was received, checked (art. 11, R-PAPER-2): the ballot box or a hand-in,
    at a time not in the future and not after the electronic close. 422
    ``paper.received_required``, ``paper.received_after_close``."""
    require(
        received_via in PaperEntry.Received.values,
        InvalidInput(
            Code.RECEIVED_REQUIRED,
            _("Say how the ballot was received: from the ballot box or handed in."),
            details={"received_via": "box or hand"},
        ),
    )
    moment = _moment(received_at)
    require(
        moment is not None,
        InvalidInput(
            Code.RECEIVED_REQUIRED,
            _(
                "Give the time the ballot was received (YYYY-MM-DD HH:MM): when the box was "
                "collected or it was handed in."
            ),
            details={"received_at": "YYYY-MM-DD HH:MM"},
        ),
    )
    require(
        moment <= timezone.now(),
        InvalidInput(
            Code.RECEIVED_REQUIRED,
            _("The time the ballot was received cannot be in the future."),
            details={"received_at": "future"},
        ),
    )
    require(
        moment <= meeting.voting_closes_at,
        InvalidInput(
            Code.RECEIVED_AFTER_CLOSE,
            _(
                "This ballot was received at %(at)s, after the electronic voting closed at %(close)s: "
                "a paper ballot must be cast before the close (art. 11), so it is not recorded."
            )
            % {
                "at": local_minute(moment),
                "close": local_minute(meeting.voting_closes_at),
            },
            details={"received_at": local_minute(meeting.voting_closes_at)},
        ),
    )
    return moment, received_via


def entry_save(
    *,
    actor,
    session_id: int,
    flat_id: int,
    round: int,
    answers: Mapping | None,
    dated_on,
    received_at=None,
    received_via: str = "",
    invalid: bool = False,
) -> PaperEntry:
    """Record what the paper of one flat says, in ``round`` 1 (entry), 2 (independent second entry)
    or 3 (resolution). Saving a round again replaces it (a clerk's correction). ``invalid``: a
    spoilt paper, recorded but counted as no ballot. ``received_at`` / ``received_via`` (``box``
    or ``hand``): when and how the paper was received; after the electronic close it is refused
    (R-PAPER-2)."""
    with transaction.atomic():
        session = access_session(actor, session_id, need=Need.COUNT, lock=True)
        meeting = session.meeting
        _require_open(session)
        require_unsealed(meeting)  # R-SEC-6
        require(
            round in R.values,
            InvalidInput(Code.INVALID_INPUT, _("Unknown entry round."), details={"round": "1, 2 or 3"}),
        )
        if round == R.SECOND:
            require(
                session.double_entry,
                Conflict(Code.NO_DOUBLE_ENTRY, _("This count session has no second entry.")),
            )
        roll = (
            RollFlat.objects.filter(meeting=meeting, flat_id=flat_id)
            .select_related("flat", "building")
            .first()
        )
        require(
            roll is not None,
            InvalidInput(
                Code.UNKNOWN_FLAT,
                _("This flat is not on the meeting's roll."),
                details={"flat": "unknown"},
            ),
        )
        label = flat_label(roll.building.name, roll.flat.room)
        require(
            not Ballot.objects.filter(meeting=meeting, flat_id=flat_id, channel=Channel.PAPER).exists(),
            Conflict(
                Code.ALREADY_COUNTED,
                _("A paper ballot of %(flat)s was already counted in an earlier session.") % {"flat": label},
            ),
        )
        existing = {e.round: e for e in PaperEntry.objects.filter(session=session, flat_id=flat_id)}
        if round == R.RESOLVED:
            require(
                R.FIRST in existing or R.SECOND in existing,
                Conflict(Code.NOTHING_TO_RESOLVE, _("Enter the ballot of %(flat)s first.") % {"flat": label}),
            )
        day = _dated(meeting, dated_on)
        moment, via = _received(meeting, received_at, received_via)
        if invalid:
            canonical: dict = {}
        else:
            canonical = ballot_answers.clean(
                ballot_answers.meeting_items(meeting), answers, flats=[(roll.flat_id, roll.building_id)]
            ).canonical
        entry = existing.get(round)
        if entry is None:
            entry = PaperEntry(session=session, flat_id=flat_id, round=round)
        entry.answers = canonical
        entry.dated_on = day
        entry.received_at, entry.received_via = moment, via
        entry.invalid = bool(invalid)
        entry.entered_by = actor
        entry.save()
        record(
            actor=actor,
            action="paper.entry_saved",
            obj=session,
            estate_id=meeting.estate_id,
            summary={
                "flat": label,
                "flat_id": flat_id,
                "round": round,
                "replaced": round in existing,
                "received_via": via,
                "received_at": moment.isoformat(),
            },
        )
    return entry


def entry_delete(*, actor, session_id: int, flat_id: int, round: int) -> None:
    """Remove one entry while the session is open (a clerk's mistake: the wrong flat)."""
    with transaction.atomic():
        session = access_session(actor, session_id, need=Need.COUNT, lock=True)
        _require_open(session)
        require_unsealed(session.meeting)  # R-SEC-6
        entry = (
            PaperEntry.objects.select_for_update()
            .filter(session=session, flat_id=flat_id, round=round)
            .first()
        )
        require(entry is not None, NotFound(Code.ENTRY_NOT_FOUND, _("No such entry.")))
        entry.delete()
        record(
            actor=actor,
            action="paper.entry_deleted",
            obj=session,
            estate_id=session.meeting.estate_id,
            summary={"flat_id": flat_id, "round": round},
        )


# --- the state of a count ---------------------------------------------------------------------


@dataclass
class FlatState:
    flat_id: int
    label: str
    owner_group: str
    rounds: dict[int, PaperEntry]

    @property
    def effective(self) -> PaperEntry | None:
        """The entry that counts: the resolution, else the first entry (else the second)."""
        return self.rounds.get(R.RESOLVED) or self.rounds.get(R.FIRST) or self.rounds.get(R.SECOND)


def _same(a: PaperEntry, b: PaperEntry) -> bool:
    return (a.answers, a.dated_on, a.invalid) == (b.answers, b.dated_on, b.invalid)


def _key(e: PaperEntry) -> str:
    return json.dumps([e.answers, e.dated_on.isoformat(), e.invalid], sort_keys=True)


@dataclass
class CountState:
    session: CountSession
    flats: list[FlatState]
    mismatches: list[FlatState]
    missing_second: list[FlatState]
    conflicts: list[list[FlatState]]

    @property
    def ready(self) -> bool:
        return not (self.mismatches or self.missing_second or self.conflicts)


def state(session: CountSession) -> CountState:
    """Every flat entered in the session, with what stops the commit: mismatches between the first
    and second entry, flats still missing one of them (double entry) and counted owners whose
    flats' papers disagree (R-TALLY-9)."""
    entries = list(PaperEntry.objects.filter(session=session).order_by("flat_id", "round"))
    rolls = {
        r.flat_id: r
        for r in RollFlat.objects.filter(
            meeting_id=session.meeting_id, flat_id__in={e.flat_id for e in entries}
        ).select_related("flat", "building")
    }
    by_flat: dict[int, FlatState] = {}
    for e in entries:
        roll = rolls.get(e.flat_id)
        if e.flat_id not in by_flat:
            by_flat[e.flat_id] = FlatState(
                flat_id=e.flat_id,
                label=flat_label(roll.building.name, roll.flat.room) if roll else str(e.flat_id),
                owner_group=roll.owner_group if roll else f"flat:{e.flat_id}",
                rounds={},
            )
        by_flat[e.flat_id].rounds[e.round] = e
    # Flats in their natural order (core.sorting): "1栋-201" before "1栋-1001".
    flats = sorted(
        by_flat.values(),
        key=lambda f: (rolls[f.flat_id].flat.sort_key if f.flat_id in rolls else "", f.flat_id),
    )
    mismatches, missing = [], []
    if session.double_entry:
        for f in flats:
            if R.RESOLVED in f.rounds:
                continue
            first, second = f.rounds.get(R.FIRST), f.rounds.get(R.SECOND)
            if first and second:
                if not _same(first, second):
                    mismatches.append(f)
            else:
                missing.append(f)
    groups: dict[str, list[FlatState]] = defaultdict(list)
    for f in flats:
        groups[f.owner_group].append(f)
    conflicts = [
        members
        for members in groups.values()
        if len(members) > 1 and len({_key(m.effective) for m in members}) > 1
    ]
    return CountState(
        session=session, flats=flats, mismatches=mismatches, missing_second=missing, conflicts=conflicts
    )


def session_for(actor, session_id: int) -> CountSession:
    """A session the actor may watch (``Need.WATCH_COUNT``)."""
    return access_session(actor, session_id, need=Need.WATCH_COUNT)


def sessions_for(actor, meeting_id: int) -> list[CountSession]:
    """The meeting's count sessions, for who may watch them (``Need.WATCH_COUNT``)."""
    return sessions_of(access_voting(actor, meeting_id, need=Need.WATCH_COUNT))


def sessions_of(meeting: Meeting) -> list[CountSession]:
    """The meeting's count sessions, oldest first, with the people invited to each."""
    sessions = list(
        CountSession.objects.filter(meeting=meeting).prefetch_related("invited").order_by("opened_at", "id")
    )
    for s in sessions:
        s.meeting = meeting
    return sessions


def mismatches(session: CountSession) -> list[FlatState]:
    return state(session).mismatches


def group_conflicts(session: CountSession) -> list[list[FlatState]]:
    return state(session).conflicts


# --- commit -----------------------------------------------------------------------------------


def session_commit(*, actor, session_id: int) -> CountSession:
    """Write the session's paper ballots (R-PAPER-1, R-PAPER-3, R-PAPER-4): one per flat entered,
    superseded where the flat voted electronically; then the progress counters for those that
    count. Refused while a mismatch, a missing second entry or a counted owner's disagreeing
    papers remain."""
    with transaction.atomic():
        session = access_session(actor, session_id, need=Need.COUNT, lock=True)
        meeting = session.meeting
        _require_open(session)
        now = timezone.now()
        _require_countable(meeting, now)
        require_unsealed(meeting)  # R-SEC-6: a late paper ballot only through a correction
        st = state(session)
        _require_ready(st)
        written, invalid = _write_ballots(session, st, now)
        counted = [b for b in written if not b.superseded]
        if counted:
            add_ballots(meeting=meeting, ballots=counted)
        require(
            CountSession.Status.COMMITTED in CountSession.TRANSITIONS[CountSession.Status(session.status)],
            Conflict(Code.SESSION_COMMITTED, _("This count session is already committed.")),
        )
        session.status = CountSession.Status.COMMITTED
        session.committed_by = actor
        session.committed_at = now
        session.save(update_fields=["status", "committed_by", "committed_at"])
        record(
            actor=actor,
            action="paper.committed",
            obj=session,
            estate_id=meeting.estate_id,
            summary={
                "meeting": meeting.pk,
                "entered": len(st.flats),
                "ballots": len(written),
                "counted": len(counted),
                "superseded": len(written) - len(counted),
                "invalid": invalid,
            },
        )
    return session


def _require_ready(st: CountState) -> None:
    """409 ``paper.unresolved`` while a mismatch, a missing second entry or a counted owner's
    disagreeing papers remain, each named in ``details``."""
    require(
        st.ready,
        Conflict(
            Code.UNRESOLVED,
            _(
                "Resolve the entries first: %(mismatches)s mismatches, %(missing)s flats without a "
                "second entry, %(conflicts)s owners whose flats' ballots disagree."
            )
            % {
                "mismatches": len(st.mismatches),
                "missing": len(st.missing_second),
                "conflicts": len(st.conflicts),
            },
            details={
                "mismatches": [f.label for f in st.mismatches],
                "missing_second": [f.label for f in st.missing_second],
                "conflicts": [[f.label for f in g] for g in st.conflicts],
            },
        ),
    )


def _already_counted(**details) -> Conflict:
    return Conflict(
        Code.ALREADY_COUNTED,
        _("Some flats' paper ballots were already counted in an earlier session."),
        **details,
    )


def _write_ballots(session: CountSession, st: CountState, now: dt.datetime) -> tuple[list[Ballot], int]:
    """One paper ``Ballot`` per flat entered (a spoilt paper: none), superseded where the flat voted
    electronically, written in batches of the same answers and date; and how many papers were
    spoilt. 409 ``paper.already_counted`` when an earlier session counted a flat's paper."""
    meeting = session.meeting
    flat_ids = [f.flat_id for f in st.flats]
    counted_before = set(
        Ballot.objects.filter(meeting=meeting, channel=Channel.PAPER, flat_id__in=flat_ids).values_list(
            "flat_id", flat=True
        )
    )
    require(
        not counted_before,
        _already_counted(details={"flats": [f.label for f in st.flats if f.flat_id in counted_before]}),
    )
    electronic = set(
        Ballot.objects.filter(meeting=meeting, channel=Channel.ELECTRONIC, flat_id__in=flat_ids).values_list(
            "flat_id", flat=True
        )
    )
    rolls = {r.flat_id: r for r in RollFlat.objects.filter(meeting=meeting, flat_id__in=flat_ids)}
    items = ballot_answers.meeting_items(meeting)
    batches: dict[tuple, list[RollFlat]] = defaultdict(list)
    cleaned: dict[str, ballot_answers.CleanBallot] = {}
    invalid = 0
    for f in st.flats:
        e = f.effective
        if e.invalid:
            invalid += 1
            continue
        key = json.dumps(e.answers, sort_keys=True)
        if key not in cleaned:
            cleaned[key] = ballot_answers.clean(items, e.answers)
        batches[(key, e.dated_on, f.flat_id in electronic)].append(rolls[f.flat_id])
    written: list[Ballot] = []
    try:
        with transaction.atomic():
            for (key, dated_on, superseded), roll in batches.items():
                written += ballot_answers.write(
                    meeting=meeting,
                    roll=roll,
                    ballot=cleaned[key],
                    channel=Channel.PAPER,
                    cast_at=now,
                    superseded=superseded,
                    count_session=session,
                    dated_on=dated_on,
                )
    except IntegrityError as exc:
        raise _already_counted() from exc
    return written, invalid


# --- figures for pages and the API ------------------------------------------------------------


def session_figures(session: CountSession) -> dict:
    """What a committed session wrote: ballots, counted, superseded."""
    rows = Ballot.objects.filter(count_session=session).values_list("superseded", flat=True)
    rows = list(rows)
    return {"ballots": len(rows), "counted": rows.count(False), "superseded": rows.count(True)}
