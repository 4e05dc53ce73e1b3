"""The public count of paper ballots (R-PAPER-1..4, R-TALLY-9, art. 11, 22, 24).

- ``session_open``: the convener opens a count once the electronic voting has closed, with the
  caller (唱票人), counter (计票人) and scrutineer (监票人) recorded (refused without all three) and the
  street office's staff invited through the outbox with the time and place (R-PAPER-3).
- ``entry_save`` / ``entry_delete``: what a clerk types for one flat's paper (round 1), an
  independent second entry (round 2, when the session asks for one) and the resolution of a
  mismatch or conflict (round 3). Answers are checked by ``answers.clean``, exactly as an
  electronic ballot is. A paper dated after the electronic close is refused (R-PAPER-2).
- ``mismatches`` (rounds 1 and 2 disagree) and ``group_conflicts`` (flats of one counted owner
  whose papers disagree, R-TALLY-9) must be resolved before ``session_commit`` writes one paper
  ``Ballot`` per flat. A flat that also voted electronically keeps its paper ballot on record,
  marked superseded: the electronic one counts (R-PAPER-1).
- A meeting held wholly on paper (R-PAPER-4) is counted the same way.
- ``qr_payload`` / ``find_flat``: the printed ballot's QR code carries the meeting, the flat and
  a keyed signature, so that entry can start by scanning it and a forged code is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound, require
from ownervote.meetings import permissions
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Item, Meeting
from ownervote.orgs import scoping

from ..models import Answer, Ballot, Channel, CountSession, PaperEntry, RollFlat
from . import answers as ballot_answers

S = Meeting.Status
R = PaperEntry.Round

PAPER_METHODS = (Meeting.Method.PAPER, Meeting.Method.MIXED)
QR_PREFIX = "OVB"
QR_SALT = "ownervote.voting.paper.ballot-qr"
ROLES = ("caller", "counter", "scrutineer")

NOT_FOUND = _("Count session not found.")
FORBIDDEN = _("Only the meeting's convener can count its paper ballots.")


# --- helpers ----------------------------------------------------------------------------------


def close_date(meeting: Meeting) -> dt.date:
    """The Beijing date of the electronic close: the last date a paper ballot may carry (R-PAPER-2)."""
    return meeting_selectors.local_day(meeting.voting_closes_at)


def flat_label(building_name: str, room: str) -> str:
    return f"{building_name}-{room}"


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment, meeting_selectors.beijing()).strftime("%Y-%m-%d %H:%M")


def _locked_meeting(actor, meeting_id: int, *, manage: bool = True) -> Meeting:
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    require(meeting is not None, NotFound("meeting.not_found", meeting_selectors.NOT_FOUND))
    meeting = Meeting.objects.select_related("estate").get(pk=meeting.pk)
    require(
        permissions.can_see_meeting(actor, meeting),
        NotFound("meeting.not_found", meeting_selectors.NOT_FOUND),
    )
    if manage:
        require(permissions.can_manage(actor, meeting), Forbidden("paper.forbidden", FORBIDDEN))
    return meeting


def can_watch(user, meeting: Meeting) -> bool:
    """Who sees a count session: the convener and the staff who see the estate (the street office
    invited to supervise it, art. 24). Owners see the result, not the count's drafts."""
    return permissions.can_manage(user, meeting) or scoping.can_see_estate(user, meeting.estate)


def _session(actor, session_id: int, *, manage: bool, lock: bool) -> CountSession:
    """The session (locked, with its meeting locked too when ``lock``): NotFound when the actor may
    not see its meeting, Forbidden when they see it but may not do this."""
    found = CountSession.objects.filter(pk=session_id).values_list("meeting_id", flat=True).first()
    require(found is not None, NotFound("paper.session_not_found", NOT_FOUND))
    if lock:
        meeting = _locked_meeting(actor, found, manage=False)
        session = CountSession.objects.select_for_update().get(pk=session_id)
    else:
        meeting = Meeting.objects.select_related("estate").get(pk=found)
        require(
            permissions.can_see_meeting(actor, meeting),
            NotFound("paper.session_not_found", NOT_FOUND),
        )
        session = CountSession.objects.get(pk=session_id)
    session.meeting = meeting
    if manage:
        require(permissions.can_manage(actor, meeting), Forbidden("paper.forbidden", FORBIDDEN))
    else:
        require(can_watch(actor, meeting), Forbidden("paper.forbidden", FORBIDDEN))
    return session


def _require_open(session: CountSession) -> None:
    require(
        session.status == CountSession.Status.OPEN,
        Conflict("paper.session_committed", _("This count session is already committed.")),
    )


def _require_countable(meeting: Meeting, now: dt.datetime) -> None:
    require(
        meeting.method in PAPER_METHODS,
        Conflict("paper.not_paper", _("This meeting votes electronically only: it has no paper ballots.")),
    )
    require(
        meeting.status in (S.VOTING, S.CLOSED),
        Conflict("paper.wrong_status", _("Paper ballots are counted only after the voting of a meeting.")),
    )
    require(
        now >= meeting.voting_closes_at,
        Conflict(
            "paper.not_closed",
            _("Paper ballots are opened once the voting has closed, at %(when)s.")
            % {"when": _when(meeting.voting_closes_at)},
        ),
    )


# --- the QR code on a printed ballot ----------------------------------------------------------


def _signature(meeting_id: int, flat_id: int) -> str:
    return salted_hmac(QR_SALT, f"{meeting_id}:{flat_id}").hexdigest()[:12]


def qr_payload(meeting_id: int, flat_id: int) -> str:
    """What the printed ballot's QR code carries: ``OVB:<meeting>:<flat>:<signature>``."""
    return f"{QR_PREFIX}:{meeting_id}:{flat_id}:{_signature(meeting_id, flat_id)}"


_QR = re.compile(r"^OVB:(\d+):(\d+):([0-9a-f]+)$", re.IGNORECASE)
_BUILDING_SUFFIX = re.compile(r"(栋|幢|座|号楼|楼|号)$")
_SEPARATORS = re.compile(r"[\s\-－—–_/／#]+")


def _short(building: str) -> str:
    return _BUILDING_SUFFIX.sub("", building.strip())


def _norm(text: str) -> str:
    return _SEPARATORS.sub("-", text.strip()).strip("-").upper()


def roll_flats(meeting: Meeting) -> list[RollFlat]:
    return list(
        RollFlat.objects.filter(meeting=meeting)
        .select_related("flat", "building")
        .order_by("building__name", "flat__room", "flat_id")
    )


def find_flat(meeting: Meeting, text: str) -> RollFlat:
    """The roll flat a clerk typed or scanned: a QR payload (checked), "1栋-101", "1-101",
    "1 101" or "1栋101" where unambiguous. 422 ``paper.unknown_flat``, ``paper.forged_qr`` or
    ``paper.other_meeting``."""
    text = (text or "").strip()
    unknown = InvalidInput(
        "paper.unknown_flat",
        _("No flat “%(text)s” on this meeting's roll: type building-room, e.g. 1-101.") % {"text": text},
        details={"flat": "unknown"},
    )
    require(bool(text), unknown)
    qr = _QR.match(text)
    if qr:
        meeting_id, flat_id, sig = int(qr.group(1)), int(qr.group(2)), qr.group(3).lower()
        require(
            constant_time_compare(sig, _signature(meeting_id, flat_id)),
            InvalidInput(
                "paper.forged_qr",
                _(
                    "This ballot's QR code is not one the system printed: "
                    "enter the flat by hand and check the paper."
                ),
                details={"flat": "forged"},
            ),
        )
        require(
            meeting_id == meeting.pk,
            InvalidInput(
                "paper.other_meeting",
                _("This ballot belongs to another meeting."),
                details={"flat": "other_meeting"},
            ),
        )
        found = RollFlat.objects.filter(meeting=meeting, flat_id=flat_id).select_related("flat", "building")
        row = found.first()
        require(row is not None, unknown)
        return row
    wanted = _norm(text)
    compact = wanted.replace("-", "")
    matches: dict[int, RollFlat] = {}
    for row in roll_flats(meeting):
        room = _norm(row.flat.room)
        for b in {_norm(row.building.name), _norm(_short(row.building.name))}:
            key = f"{b}-{room}"
            if wanted == key or compact == key.replace("-", ""):
                matches[row.flat_id] = row
    require(len(matches) == 1, unknown)
    return next(iter(matches.values()))


# --- typing a ballot --------------------------------------------------------------------------

QUESTION_KEYS = {"1": Answer.YES, "2": Answer.NO, "3": Answer.ABSTAIN}


def keyed_answers(items: Iterable[Item], typed: Mapping[str, str]) -> dict[str, object]:
    """The answers from what a clerk typed per item (``typed["<item id>"]``): for a question 1 (yes),
    2 (no) or 3 (abstain); for an election the candidates' numbers ("1 3", "1,3", or "13" when
    there are fewer than ten) or 0 (abstain); empty: left blank. 422 with ``item:<id>`` details."""
    out: dict[str, object] = {}
    errors: dict[str, str] = {}
    for item in items:
        key = str(item.pk)
        raw = str(typed.get(key, "") or "").strip()
        if not raw:
            continue
        if item.kind == Item.Kind.QUESTION:
            if raw not in QUESTION_KEYS:
                errors[f"item:{item.pk}"] = str(_("Type 1 (yes), 2 (no) or 3 (abstain)."))
                continue
            out[key] = str(QUESTION_KEYS[raw])
            continue
        candidates = list(item.candidates.all())
        if raw == "0":
            out[key] = str(Answer.ABSTAIN)
            continue
        parts = [p for p in re.split(r"[\s,，.、+;；]+", raw) if p]
        if len(parts) == 1 and len(candidates) < 10 and parts[0].isdigit() and len(parts[0]) > 1:
            parts = list(parts[0])
        if not parts or not all(p.isdigit() and 1 <= int(p) <= len(candidates) for p in parts):
            errors[f"item:{item.pk}"] = str(
                _("Type the candidates' numbers (1 to %(n)s), or 0 to abstain.") % {"n": len(candidates)}
            )
            continue
        out[key] = [candidates[int(p) - 1].pk for p in parts]
    if errors:
        raise InvalidInput("invalid_input", _("Some answers on the ballot are not valid."), details=errors)
    return out


def typed_from(items: Iterable[Item], answers: Mapping) -> dict[str, str]:
    """The reverse of ``keyed_answers``: what to put in the entry fields for stored answers."""
    back = {v: k for k, v in QUESTION_KEYS.items()}
    out = {}
    for item in items:
        value = answers.get(str(item.pk))
        if value in (None, "", []):
            continue
        if item.kind == Item.Kind.QUESTION:
            out[str(item.pk)] = back.get(value, "")
        elif value == Answer.ABSTAIN:
            out[str(item.pk)] = "0"
        else:
            number = {c.pk: i for i, c in enumerate(item.candidates.all(), start=1)}
            out[str(item.pk)] = " ".join(str(number.get(int(c), "?")) for c in value)
    return out


def summary(items: Iterable[Item], answers: Mapping, *, invalid: bool = False) -> str:
    """One line a person reads: "1. yes · 2. 张三, 李四 · 3. —"."""
    if invalid:
        return str(_("spoilt ballot"))
    parts = []
    for item in items:
        value = answers.get(str(item.pk))
        if value in (None, "", []):
            text = "—"
        elif isinstance(value, list):
            names = {c.pk: c.name for c in item.candidates.all()}
            text = ", ".join(names.get(int(c), "?") for c in value)
        else:
            text = str(Answer(value).label)
        parts.append(f"{item.position}. {text}")
    return " · ".join(parts)


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
        meeting = _locked_meeting(actor, meeting_id)
        now = timezone.now()
        _require_countable(meeting, now)
        require(
            not CountSession.objects.filter(meeting=meeting, status=CountSession.Status.OPEN).exists(),
            Conflict("paper.session_open", _("A count session of this meeting is already open.")),
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
        staff = {u.pk: u for u in permissions.street_office_users(meeting.estate)}
        invited_ids = [int(i) for i in invited_ids or ()]
        if invited_ids:
            strangers = [i for i in invited_ids if i not in staff]
            if strangers:
                errors["invited_ids"] = str(_("Invite staff of the estate's street office only."))
            invited = [staff[i] for i in invited_ids if i in staff]
        else:
            invited = list(staff.values())
        if errors:
            raise InvalidInput(
                "invalid_input",
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
            raise Conflict(
                "paper.session_open", _("A count session of this meeting is already open.")
            ) from exc
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
    from ownervote.notify.services import notify

    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("Public count of paper ballots: %(title)s") % {"title": meeting.title}
        body = gettext(
            "The paper ballots of “%(title)s” are counted in public from %(when)s at %(place)s. "
            "Caller: %(caller)s; counter: %(counter)s; scrutineer: %(scrutineer)s. "
            "You are invited to attend (art. 24)."
        ) % {
            "title": meeting.title,
            "when": _when(session.opened_at),
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


def entry_save(
    *,
    actor,
    session_id: int,
    flat_id: int,
    round: int,
    answers: Mapping | None,
    dated_on,
    invalid: bool = False,
) -> PaperEntry:
    """Record what the paper of one flat says, in ``round`` 1 (entry), 2 (independent second entry)
    or 3 (resolution). Saving a round again replaces it (a clerk's correction). ``invalid``: a
    spoilt paper, recorded but counted as no ballot."""
    with transaction.atomic():
        session = _session(actor, session_id, manage=True, lock=True)
        meeting = session.meeting
        _require_open(session)
        require(
            round in R.values,
            InvalidInput("invalid_input", _("Unknown entry round."), details={"round": "1, 2 or 3"}),
        )
        if round == R.SECOND:
            require(
                session.double_entry,
                Conflict("paper.no_double_entry", _("This count session has no second entry.")),
            )
        roll = (
            RollFlat.objects.filter(meeting=meeting, flat_id=flat_id)
            .select_related("flat", "building")
            .first()
        )
        require(
            roll is not None,
            InvalidInput(
                "paper.unknown_flat",
                _("This flat is not on the meeting's roll."),
                details={"flat": "unknown"},
            ),
        )
        label = flat_label(roll.building.name, roll.flat.room)
        require(
            not Ballot.objects.filter(meeting=meeting, flat_id=flat_id, channel=Channel.PAPER).exists(),
            Conflict(
                "paper.already_counted",
                _("A paper ballot of %(flat)s was already counted in an earlier session.") % {"flat": label},
            ),
        )
        existing = {e.round: e for e in PaperEntry.objects.filter(session=session, flat_id=flat_id)}
        if round == R.RESOLVED:
            require(
                R.FIRST in existing or R.SECOND in existing,
                Conflict(
                    "paper.nothing_to_resolve", _("Enter the ballot of %(flat)s first.") % {"flat": label}
                ),
            )
        day = _date(dated_on)
        require(
            day is not None,
            InvalidInput(
                "invalid_input", _("Give the date written on the ballot."), details={"dated_on": "YYYY-MM-DD"}
            ),
        )
        last = close_date(meeting)
        require(
            day <= last,
            InvalidInput(
                "paper.after_close",
                _("A paper ballot dated after the close of the voting (%(day)s) does not count (art. 11).")
                % {"day": last.isoformat()},
                details={"dated_on": last.isoformat()},
            ),
        )
        if invalid:
            canonical: dict = {}
        else:
            canonical = ballot_answers.clean(ballot_answers.meeting_items(meeting), answers).canonical
        entry = existing.get(round)
        if entry is None:
            entry = PaperEntry(session=session, flat_id=flat_id, round=round)
        entry.answers = canonical
        entry.dated_on = day
        entry.invalid = bool(invalid)
        entry.entered_by = actor
        entry.save()
        record(
            actor=actor,
            action="paper.entry_saved",
            obj=session,
            estate_id=meeting.estate_id,
            summary={"flat": label, "flat_id": flat_id, "round": round, "replaced": round in existing},
        )
    return entry


def entry_delete(*, actor, session_id: int, flat_id: int, round: int) -> None:
    """Remove one entry while the session is open (a clerk's mistake: the wrong flat)."""
    with transaction.atomic():
        session = _session(actor, session_id, manage=True, lock=True)
        _require_open(session)
        entry = (
            PaperEntry.objects.select_for_update()
            .filter(session=session, flat_id=flat_id, round=round)
            .first()
        )
        require(entry is not None, NotFound("paper.entry_not_found", _("No such entry.")))
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
    flats = sorted(by_flat.values(), key=lambda f: f.label)
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
    """A session the actor may watch (``can_watch``)."""
    return _session(actor, session_id, manage=False, lock=False)


def sessions_for(actor, meeting_id: int) -> list[CountSession]:
    meeting = meeting_selectors.meeting_for(actor, meeting_id)
    require(can_watch(actor, meeting), Forbidden("paper.forbidden", FORBIDDEN))
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
    from . import progress

    with transaction.atomic():
        session = _session(actor, session_id, manage=True, lock=True)
        meeting = session.meeting
        _require_open(session)
        now = timezone.now()
        _require_countable(meeting, now)
        st = state(session)
        require(
            st.ready,
            Conflict(
                "paper.unresolved",
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
        flat_ids = [f.flat_id for f in st.flats]
        counted_before = set(
            Ballot.objects.filter(meeting=meeting, channel=Channel.PAPER, flat_id__in=flat_ids).values_list(
                "flat_id", flat=True
            )
        )
        require(
            not counted_before,
            Conflict(
                "paper.already_counted",
                _("Some flats' paper ballots were already counted in an earlier session."),
                details={"flats": [f.label for f in st.flats if f.flat_id in counted_before]},
            ),
        )
        electronic = set(
            Ballot.objects.filter(
                meeting=meeting, channel=Channel.ELECTRONIC, flat_id__in=flat_ids
            ).values_list("flat_id", flat=True)
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
            raise Conflict(
                "paper.already_counted",
                _("Some flats' paper ballots were already counted in an earlier session."),
            ) from exc
        counted = [b for b in written if not b.superseded]
        if counted:
            progress.add_ballots(meeting=meeting, ballots=counted)
        require(
            CountSession.Status.COMMITTED in CountSession.TRANSITIONS[CountSession.Status(session.status)],
            Conflict("paper.session_committed", _("This count session is already committed.")),
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


# --- figures for pages and the API ------------------------------------------------------------


def session_figures(session: CountSession) -> dict:
    """What a committed session wrote: ballots, counted, superseded."""
    rows = Ballot.objects.filter(count_session=session).values_list("superseded", flat=True)
    rows = list(rows)
    return {"ballots": len(rows), "counted": rows.count(False), "superseded": rows.count(True)}


# --- printable ballots ------------------------------------------------------------------------


def ballots_for(actor, meeting_id: int, *, building_id: int | None = None, flat=None) -> tuple[Meeting, list]:
    """The meeting and the flats (``roster.Flat`` with their building) whose paper ballots the
    convener prints: the roll once voting opened, before that the flats that would be on it;
    narrowed to one building or one flat (its id or its label)."""
    from ownervote.roster.models import Flat

    meeting = meeting_selectors.meeting_for(actor, meeting_id)
    require(permissions.can_manage(actor, meeting), Forbidden("paper.forbidden", FORBIDDEN))
    require(
        meeting.method in PAPER_METHODS,
        Conflict("paper.not_paper", _("This meeting votes electronically only: it has no paper ballots.")),
    )
    require(
        meeting.status in (S.PUBLISHED, S.VOTING, S.CLOSED),
        Conflict("paper.wrong_status", _("Paper ballots are printed once the meeting is publicised.")),
    )
    flat_ids = list(RollFlat.objects.filter(meeting=meeting).values_list("flat_id", flat=True))
    if not flat_ids and meeting.voting_opened_at is None:
        from .roll import counted_flats

        flat_ids = [row[0] for row in counted_flats(meeting)[0]]
    rows = Flat.objects.filter(pk__in=flat_ids).select_related("building")
    if building_id:
        rows = rows.filter(building_id=building_id)
    if flat not in (None, ""):
        text = str(flat).strip()
        if text.isdigit():
            rows = rows.filter(pk=int(text))
        else:
            rows = rows.filter(pk=find_flat(meeting, text).flat_id)
    flats = sorted(rows, key=lambda f: (f.building.name, f.room, f.pk))
    require(
        bool(flats),
        NotFound("paper.no_flats", _("No flat of this meeting's roll matches.")),
    )
    return meeting, flats
