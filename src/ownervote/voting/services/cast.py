"""Casting electronic ballots (R-VOTE-1, R-VOTE-3, R-VOTE-4, R-VOTE-6..9, R-TALLY-9, R-SEC-3).

- ``voter_flats``: every flat a person sees on the vote page, whether they may vote it now, how
  (in person, as an organisation's staff, as the co-owners' representative, as a proxy) and if not
  why. The decision itself is ``rules.eligibility.decide`` (pure); this module gathers the facts:
  the eligibility frozen when voting opened (``meetings.Eligibility``), the roll (``RollFlat``), the
  electronic ballots already cast, the representatives in effect and the proxies.
- ``ballot_cast``: one transaction: the checks, the answers checked against the items, the
  receipt (``Submission``), the ballots and their choices (``answers.write``), the progress
  counters, the audit event (never the answers) and the messages. The unique constraint
  ``ballot_one_electronic_per_flat`` is the guarantee against two phones at the same instant: the
  second INSERT fails and is refused as ``ballot.already_voted``.
- ``my_ballots``, ``receipt_lookup``: the voter's own ballots with their receipts (R-VOTE-3), and
  the public check of a receipt code (never the answers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.bindings.models import Binding
from ownervote.core import prepared
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError
from ownervote.meetings import selectors as meeting_selectors
from ownervote.meetings.models import Eligibility, Meeting
from ownervote.meetings.selectors import local_minute
from ownervote.notify.services import notify
from ownervote.roster.models import Flat
from ownervote.rules import eligibility as rules

from ..access import meeting_missing, meeting_to_cast, require_seen
from ..errors import Code
from ..models import Ballot, Channel, Choice, Proxy, Representative, RollFlat, Submission
from ..selectors import held_by, required_consents
from . import answers as answer_service
from . import locks, own_facts
from .progress import SlotsMissing, add_ballots, create_slots

# Receipt codes: 12 characters without the look-alikes 0/O, 1/I/L (32 symbols: 60 bits).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12

REASONS = {
    rules.NOT_ON_ROLL: _("This flat does not count in this meeting (for example a parking space)."),
    rules.ALREADY_VOTED: _("This flat has already voted."),
    rules.NOT_OPEN: _("Voting has not opened yet."),
    rules.CLOSED: _("Voting has closed."),
    rules.NOT_ELIGIBLE: _(
        "You were not bound to this flat when voting opened, or your binding has ended: "
        "ask the convener for a paper ballot."
    ),
    rules.PAPER_ONLY: _("This flat votes on a paper ballot only in this meeting."),
    rules.AUTHORISATION_ENDED: _(
        "Your authorisation to act for the organisation that owns this flat is no longer in force."
    ),
    rules.PROXY_GRANTED: _(
        "You gave a written proxy for this flat: your proxy votes it for you. "
        "To vote yourself, revoke the proxy first."
    ),
    rules.PROXY_UNCONFIRMED: _(
        "You have not accepted this proxy yet: accept it on the page of the owners you vote for, "
        "then vote. Until you accept, the owner can still vote."
    ),
    rules.REPRESENTATIVE: _(
        "The co-owners of this flat chose another co-owner to vote for it: only that representative can vote."
    ),
}
_STATUS = {
    rules.ALREADY_VOTED: Conflict,
    rules.NOT_OPEN: Conflict,
    rules.CLOSED: Conflict,
}
_WINDOW_CODES = {rules.BEFORE: rules.NOT_OPEN, rules.AFTER: rules.CLOSED}
RECEIPT_NOT_FOUND = _("No ballot has this receipt code. Check the code and try again.")


@dataclass
class VoterFlat:
    """One flat on a person's vote page."""

    flat: Flat
    label: str  # "1栋-101"
    roll: RollFlat | None
    via: str  # "owner" | "staff" | "representative" | "proxy"
    proxy: Proxy | None
    binding: Binding | None
    can_vote: bool
    code: str = ""  # why not (rules.eligibility codes)
    reason: str = ""
    voted_at: dt.datetime | None = None
    group: list[VoterFlat] = field(default_factory=list)  # the other flats voted with it (R-TALLY-9)
    others: bool | None = None  # other people are eligible for the flat (None: not looked up)
    # Whether its counted owner already has a counted ballot (in the meeting, in the building),
    # read with the other facts: progress.add_ballots needs it (None: not looked up).
    counted_before: tuple[bool, bool] | None = None

    @property
    def key(self) -> str:
        """One submission's flats share the key: the route and the counted owner."""
        owner_group = self.roll.owner_group if self.roll else f"flat:{self.flat.pk}"
        return f"{self.proxy.pk if self.proxy else 0}:{owner_group}"

    @property
    def flat_ids(self) -> list[int]:
        """This flat and the others of its submission, sorted."""
        return sorted([self.flat.pk, *(g.flat.pk for g in self.group)])

    @property
    def labels(self) -> list[str]:
        return [self.label, *(g.label for g in self.group)]


# --- the voting window -------------------------------------------------------------------------


def window_state(meeting: Meeting, at: dt.datetime | None = None) -> str:
    """Where ``at`` (now) falls in the meeting's voting window (``rules.eligibility.window``)."""
    return rules.window(
        status=meeting.status,
        opens_at=meeting.voting_opens_at,
        closes_at=meeting.voting_closes_at,
        at=at or timezone.now(),
    )


def voting_is_open(meeting: Meeting, at: dt.datetime | None = None) -> bool:
    """The meeting is in its voting status and ``opens_at <= at < closes_at``."""
    return window_state(meeting, at) == rules.OPEN


# --- who votes which flat ----------------------------------------------------------------------


def _label(flat: Flat) -> str:
    return f"{flat.building.name}-{flat.room}"


def effective_representatives(meeting: Meeting, flat_ids) -> dict[int, int]:
    """flat id -> the user id of the co-owners' representative in effect (R-VOTE-8): a live
    choice that every co-owner bound when voting opened has consented to. One query when no flat
    has one (the usual case)."""
    live = list(
        Representative.objects.filter(
            meeting=meeting,
            flat_id__in=list(flat_ids),
            status__in=[Representative.Status.PROPOSED, Representative.Status.EFFECTIVE],
        ).prefetch_related("consents")
    )
    if not live:
        return {}
    needed = required_consents(meeting, [r.flat_id for r in live])
    out = {}
    for rep in live:
        consented = {c.user_id for c in rep.consents.all()}
        if needed.get(rep.flat_id) and needed[rep.flat_id] <= consented:
            out[rep.flat_id] = rep.user_id
    return out


def _ballots_cast(meeting: Meeting, flat_ids) -> dict[int, dt.datetime]:
    return dict(
        Ballot.objects.filter(meeting=meeting, channel=Channel.ELECTRONIC, flat_id__in=list(flat_ids))
        .order_by()  # the model's ordering would join the meeting
        .values_list("flat_id", "cast_at")
    )


def _staff_ok(binding: Binding | None, today: dt.date) -> bool:
    staff = binding.staff if binding is not None else None
    if staff is None:
        return True
    return rules.staff_in_force(
        valid_from=staff.valid_from,
        valid_until=staff.valid_until,
        revoked=staff.revoked_at is not None,
        today=today,
    )


def _proxy_rows(meeting: Meeting, proxies: list[Proxy]) -> list[tuple[Proxy, Flat, Eligibility | None]]:
    """(proxy, flat, the grantor's eligibility row for the flat) for each flat the proxies cover."""
    if not proxies:
        return []
    links = [(p, flat) for p in proxies for flat in p.flats.all()]  # held_by prefetches the flats
    grantor_rows = {
        (r.user_id, r.flat_id): r
        for r in Eligibility.objects.filter(
            meeting=meeting,
            user_id__in={p.grantor_id for p in proxies},
            flat_id__in={flat.pk for _p, flat in links},
        ).select_related("binding__staff")
    }
    out = [(p, flat, grantor_rows.get((p.grantor_id, flat.pk))) for p, flat in links]
    out.sort(key=lambda t: (t[0].pk, t[1].sort_key, t[1].pk))
    return out


def _entries(
    actor,
    meeting: Meeting,
    *,
    own: bool = True,
    proxies: list[Proxy] | None = None,
    at: dt.datetime | None = None,
    own_read: list | None = None,
) -> list[VoterFlat]:
    """The flats the actor may see on the vote page (own eligibility rows when ``own``, and the
    flats of ``proxies``), each decided, grouped by submission (R-TALLY-9). ``own_read``: the
    ``_OWN_SQL`` rows when the caller read them already."""
    at = at or timezone.now()
    state = window_state(meeting, at)
    today = timezone.localtime(at, meeting_selectors.beijing()).date()
    # The own rows with their facts in one statement (``_OWN_SQL``); a proxy's flats are asked for here.
    own_rows = own_facts.own_rows(actor, meeting, own_read) if own else []
    proxy_rows = _proxy_rows(meeting, proxies or [])
    if not own_rows and not proxy_rows:
        return []
    facts = {row.flat_id: x for row, x in own_rows}
    roll = {f: x.roll for f, x in facts.items() if x.roll is not None}
    voted = {f: x.voted_at for f, x in facts.items() if x.voted_at is not None}
    proxied = {f for f, x in facts.items() if x.proxied}
    represented = {f for f, x in facts.items() if x.represented}
    others = {f: x.others for f, x in facts.items()}
    counted = {f: (x.group_counted, x.group_counted_here) for f, x in facts.items()}
    proxy_ids = {t[1].pk for t in proxy_rows}
    if proxy_ids:
        roll |= {r.flat_id: r for r in RollFlat.objects.filter(meeting=meeting, flat_id__in=list(proxy_ids))}
        voted |= _ballots_cast(meeting, proxy_ids)
        represented |= proxy_ids
    reps = effective_representatives(meeting, represented) if represented else {}
    paper_meeting = meeting.method == Meeting.Method.PAPER
    entries: list[VoterFlat] = []

    def add(flat, row, voter_id, proxy):
        binding = row.binding if row is not None else None
        facts = rules.FlatFacts(
            on_roll=flat.pk in roll,
            voted=flat.pk in voted,
            mode=row.mode if row is not None else "",
            binding_active=binding is not None and binding.status == Binding.Status.ACTIVE,
            staff=binding is not None and binding.staff_id is not None,
            staff_in_force=_staff_ok(binding, today),
            representative=reps.get(flat.pk),
            proxy_active=proxy is None and state == rules.OPEN and flat.pk in proxied,
            proxy_confirmed=proxy is None or proxy.confirmed_at is not None,
            paper_meeting=paper_meeting,
        )
        decision = rules.decide(voter_id=voter_id, facts=facts, state=state, by_proxy=proxy is not None)
        reason = reason_text(decision.code, row, binding, voted.get(flat.pk))
        entries.append(
            VoterFlat(
                flat=flat,
                label=_label(flat),
                roll=roll.get(flat.pk),
                via=decision.via,
                proxy=proxy,
                binding=binding,
                can_vote=decision.can_vote,
                code=decision.code,
                reason=reason,
                voted_at=voted.get(flat.pk),
                others=others.get(flat.pk) if proxy is None else None,
                counted_before=counted.get(flat.pk) if proxy is None else None,
            )
        )

    for row, _x in own_rows:
        add(row.flat, row, actor.pk, None)
    for proxy, flat, row in proxy_rows:
        add(flat, row, proxy.grantor_id, proxy)
    groups: dict[str, list[VoterFlat]] = defaultdict(list)
    for e in entries:
        if e.can_vote:
            groups[e.key].append(e)
    for members in groups.values():
        for e in members:
            e.group = [m for m in members if m is not e]
    return entries


def reason_text(
    code: str, row: Eligibility | None, binding: Binding | None, voted_at: dt.datetime | None
) -> str:
    """Why a flat cannot be voted now, in words. A flat sold while voting runs (R-VOTE-10): the
    buyer is told that the ballot cast before they bound it stands; the seller, that the flat
    changed owner."""
    if code == rules.ALREADY_VOTED:
        if binding is not None and voted_at is not None and binding.bound_at > voted_at:
            return gettext(
                "This flat's ballot was cast at %(when)s, before you bound the flat: it stands, and the "
                "flat cannot be voted again in this meeting."
            ) % {"when": local_minute(voted_at)}
        return gettext("This flat voted at %(when)s.") % {"when": local_minute(voted_at)}
    if (
        code == rules.NOT_ELIGIBLE
        and binding is not None
        and binding.end_reason == Binding.EndReason.OWNERSHIP_CHANGED
    ):
        return gettext(
            "The roster records that this flat changed owner: you can no longer vote it in this "
            "meeting; its new owner votes it."
        )
    if code == rules.PAPER_ONLY and row is not None and row.reason:
        return gettext("This flat votes on a paper ballot only in this meeting, because %(reason)s.") % {
            "reason": Eligibility.Reason(row.reason).label
        }
    return str(REASONS[code]) if code else ""


def voter_flats(actor, meeting: Meeting) -> list[VoterFlat]:
    """Every flat ``actor`` sees on the meeting's vote page: their own (bound when voting opened)
    and those of the proxies they hold, each with whether they may vote it now and why not."""
    if not getattr(actor, "is_authenticated", False):
        return []
    return _entries(actor, meeting, own=True, proxies=held_by(actor, meeting))


def submissions_of(entries: list[VoterFlat]) -> list[list[VoterFlat]]:
    """The votable entries as submissions (one per counted owner and route), in page order."""
    seen, out = set(), []
    for e in entries:
        if e.can_vote and e.key not in seen:
            seen.add(e.key)
            out.append([e, *e.group])
    return out


# --- casting -----------------------------------------------------------------------------------


def receipt_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def display_code(code: str) -> str:
    """ "K7Q2M9XD4FPA" -> "K7Q2-M9XD-4FPA"."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(text: str) -> str:
    return "".join(ch for ch in str(text or "").upper() if ch.isalnum())[:32]


def ballot_digest(*, meeting_id: int, code: str, flat_ids, canonical: dict, salt: str) -> str:
    """SHA-256 over the canonical JSON of what the receipt covers (R-VOTE-3)."""
    content = {
        "v": 1,
        "meeting": meeting_id,
        "receipt": code,
        "flats": sorted(flat_ids),
        "answers": canonical,
        "salt": salt,
    }
    data = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(data).hexdigest()


def _refusal(entry: VoterFlat) -> ServiceError:
    cls = _STATUS.get(entry.code, Forbidden)
    details = {"flat_id": entry.flat.pk, "flat": entry.label}
    if entry.code == rules.ALREADY_VOTED and entry.voted_at is not None:
        details["voted_at"] = entry.voted_at.isoformat()
    return cls(entry.code, entry.reason or REASONS[entry.code], details=details)


def _flat_ids(flat_ids) -> list[int]:
    try:
        ids = sorted({int(f) for f in flat_ids or []})
    except (TypeError, ValueError):
        ids = []
    if not ids:
        raise InvalidInput(Code.NO_FLATS, _("Choose the flat you vote for."))
    return ids


def ballot_cast(
    *,
    actor,
    meeting_id: int,
    flat_ids: list[int],
    answers: dict,
    proxy_id: int | None = None,
    device_hash: str = "",
    client_ip: str | None = None,
) -> Submission:
    """Cast one electronic submission: one ballot per flat of ``flat_ids`` (every flat of one
    counted owner, R-TALLY-9), in person or, with ``proxy_id``, as the holder of that proxy.
    ``device_hash`` and ``client_ip``: where it was cast from (``core.devices.traces``, R-TRUST-1)."""
    ids = _flat_ids(flat_ids)
    trace = {"device_hash": device_hash, "client_ip": client_ip}
    for attempt in (1, 2):  # a second only after ``SlotsMissing``: nothing of the first remains
        try:
            with transaction.atomic():
                return _cast(
                    actor=actor,
                    meeting_id=meeting_id,
                    ids=ids,
                    answers=answers,
                    proxy_id=proxy_id,
                    trace=trace,
                )
        except SlotsMissing as missing:
            if attempt == 2:
                raise
            create_slots(meeting_id=missing.meeting_id)
        except IntegrityError:
            # ``ballot_one_electronic_per_flat``: another phone cast the flat between our check and
            # our INSERT. The whole transaction is gone; nothing of this attempt remains.
            raise Conflict(
                Code.ALREADY_VOTED,
                _("This flat has just been voted from another phone: its first ballot counts."),
                details={"flat_ids": ids},
            ) from None
    raise AssertionError("unreachable")


def _submission(meeting, *, ids: list[int], clean, actor, proxy, now, trace: dict) -> Submission:
    """The submission (written with its ballots by ``answers.write``): its receipt code, the
    ballot's digest (R-VOTE-3) and where it was cast from (``trace``, R-TRUST-1)."""
    code = receipt_code()
    salt = secrets.token_hex(16)
    digest = ballot_digest(
        meeting_id=meeting.pk, code=code, flat_ids=ids, canonical=clean.canonical, salt=salt
    )
    return Submission(
        meeting=meeting, code=code, salt=salt, digest=digest, user=actor, proxy=proxy, cast_at=now, **trace
    )


def _cast(
    *, actor, meeting_id: int, ids: list[int], answers: dict, proxy_id: int | None, trace: dict
) -> Submission:
    # Shared with every other cast, exclusive with the close: read after it, the meeting's status
    # is the one the close leaves (locks.py); no row every cast writes. The lock and the read go
    # to PostgreSQL together: one wait (core.prepared.batch).
    # Who may see the meeting is asked only on a refusal (require_seen). In person, the voter's
    # eligibility rows come with it.
    own_read = None
    with prepared.batch():
        locks.casting(meeting_id)
        if proxy_id is None:
            meeting, own_read = own_facts.meeting_and_own(actor, meeting_id)
        else:
            meeting = meeting_to_cast(meeting_id)
    if meeting is None:
        raise meeting_missing()
    now = timezone.now()
    state = window_state(meeting, now)
    if state != rules.OPEN:
        require_seen(actor, meeting)
        raise Conflict(state_code := _WINDOW_CODES[state], REASONS[state_code])
    proxy = None
    if proxy_id is not None:
        proxy = next((p for p in held_by(actor, meeting) if p.pk == proxy_id), None)
        if proxy is None:
            require_seen(actor, meeting)
            raise NotFound(Code.BALLOT_PROXY_NOT_FOUND, _("You do not hold this proxy in this meeting."))
        # The grantor's revocation and the proxy's acceptance lock the same row (proxies.proxy_revoke,
        # proxy_acceptance.proxy_confirm): what the row says now decides.
        locked = list(
            Proxy.objects.select_for_update()
            .filter(pk=proxy.pk, status=Proxy.Status.ACTIVE)
            .values_list("confirmed_at", flat=True)
        )
        if not locked:
            raise Conflict(Code.BALLOT_PROXY_REVOKED, _("The owner has revoked this proxy."))
        proxy.confirmed_at = locked[0]
    entries = _entries(
        actor,
        meeting,
        own=proxy is None,
        proxies=[proxy] if proxy is not None else None,
        at=now,
        own_read=own_read,
    )
    by_flat = {e.flat.pk: e for e in entries}
    unknown = [f for f in ids if f not in by_flat]
    if unknown:
        require_seen(actor, meeting)
        raise Forbidden(rules.NOT_ELIGIBLE, REASONS[rules.NOT_ELIGIBLE], details={"flat_ids": unknown})
    chosen = [by_flat[f] for f in ids]
    for entry in chosen:
        if not entry.can_vote:
            raise _refusal(entry)
    votable = {e.flat.pk: e.key for e in entries if e.can_vote}
    if len(rules.groups_of(ids, votable)) > 1:
        raise InvalidInput(
            Code.MIXED_GROUPS,
            _("One submission covers the flats of one owner: vote for the others separately."),
        )
    missing = [by_flat[f] for f in sorted(rules.missing_from_groups(ids, votable))]
    if missing:
        raise InvalidInput(
            Code.GROUP_INCOMPLETE,
            _("These flats belong to the same owner and are voted together in one ballot: include %(flats)s.")
            % {"flats": "、".join(e.label for e in missing)},
            details={"missing": [e.flat.pk for e in missing]},
        )
    clean = answer_service.clean(
        answer_service.voting_items(meeting), answers, flats=[(e.flat.pk, e.flat.building_id) for e in chosen]
    )
    submission = _submission(meeting, ids=ids, clean=clean, actor=actor, proxy=proxy, now=now, trace=trace)
    _write(meeting, submission, chosen, clean=clean, actor=actor, proxy=proxy)
    # What the receipt shows, so that the caller need not read the ballots back.
    submission.cast_labels = [e.label for e in chosen]
    submission.cast_partial = clean.partial
    return submission


def _write(
    meeting: Meeting, submission: Submission, chosen: list[VoterFlat], *, clean, actor, proxy: Proxy | None
) -> None:
    """What a cast the checks let through writes: the receipt with its ballots and choices, then
    the messages, the audit event and the counters."""
    ballots = answer_service.write(
        meeting=meeting,
        roll=[e.roll for e in chosen],
        ballot=clean,
        channel=Channel.ELECTRONIC,
        cast_at=submission.cast_at,
        per_flat={e.flat.pk: {"binding_id": e.binding.pk if e.binding else None} for e in chosen},
        submission=submission,
        cast_by=actor,
        proxy=proxy,
    )
    known = None
    if all(e.counted_before is not None and e.roll is not None for e in chosen):
        known = {e.flat.pk: (e.roll.building_id, *e.counted_before) for e in chosen}
    # The receipt above was written alone: a flat voted meanwhile fails it, before anything else
    # is sent. The messages, the audit event and the counters need nothing back from each other:
    # they go to PostgreSQL together, one wait for all (core.prepared.batch). The counters' slot
    # rows last, so that they stay locked for as short a time as possible before the commit.
    with prepared.batch():
        _tell(meeting, submission, chosen, actor, proxy)
        record(
            actor=actor,
            action="ballot.cast",
            obj=submission,
            estate_id=meeting.estate_id,
            summary={"receipt": submission.code, "flats": len(chosen), "via": chosen[0].via},
        )
        add_ballots(meeting=meeting, ballots=ballots, before=known)


def _tell(
    meeting: Meeting, submission: Submission, chosen: list[VoterFlat], actor, proxy: Proxy | None
) -> None:
    """The receipt to the voter (and to the grantor of a proxy); the other co-owners bound to the
    flats learn that their flat has voted (never how)."""
    flats = "、".join(e.label for e in chosen)
    link = reverse("voting:ballot", args=[meeting.pk])
    told = {actor.pk}
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("Your ballot was received: %(title)s") % {"title": meeting.title}
        body = gettext(
            "Your ballot for %(flats)s was received at %(when)s. Receipt code: %(code)s. "
            "Keep it to check your ballot later."
        ) % {
            "flats": flats,
            "when": local_minute(submission.cast_at),
            "code": display_code(submission.code),
        }
        notify(
            users=[actor],
            kind="ballot.receipt",
            title=title,
            body=body,
            link=link,
            estate=meeting.estate,
            event=f"ballot:{submission.pk}:receipt",
            new_event=True,
        )
        if proxy is not None:
            grantor = proxy.grantor
            told.add(grantor.pk)
            notify(
                users=[grantor],
                kind="ballot.proxy_voted",
                title=gettext("Your proxy voted: %(title)s") % {"title": meeting.title},
                body=gettext("Your proxy voted for %(flats)s at %(when)s. Receipt code: %(code)s.")
                % {
                    "flats": flats,
                    "when": local_minute(submission.cast_at),
                    "code": display_code(submission.code),
                },
                link=link,
                estate=meeting.estate,
                event=f"ballot:{submission.pk}:grantor",
                new_event=True,
            )
        others = []
        if proxy is not None or any(e.others is not False for e in chosen):  # else nobody else to tell
            others = [
                r.user
                for r in Eligibility.objects.filter(meeting=meeting, flat_id__in=[e.flat.pk for e in chosen])
                .exclude(user_id__in=told)
                .select_related("user")
            ]
        if others:
            notify(
                users=others,
                kind="ballot.flat_voted",
                title=gettext("Your flat has been voted: %(title)s") % {"title": meeting.title},
                body=gettext(
                    "%(flats)s has been voted at %(when)s by one of its co-owners or their proxy. "
                    "Each flat votes once: its first ballot counts."
                )
                % {"flats": flats, "when": local_minute(submission.cast_at)},
                link=reverse("voting:vote", args=[meeting.pk]),
                estate=meeting.estate,
                event=f"ballot:{submission.pk}:co_owners",
                new_event=True,
            )


# --- the voter's own ballots and the public check ----------------------------------------------


@dataclass
class MyBallot:
    submission: Submission
    code: str  # as displayed
    flats: list[str]
    rows: list[dict]  # answers.described
    partial: bool
    by_proxy: bool  # cast by a proxy for the viewer (the grantor)


def my_ballots(actor, meeting: Meeting) -> list[MyBallot]:
    """The submissions the actor cast in the meeting, and those a proxy cast for them (R-VOTE-3),
    with what they say item by item."""
    if not getattr(actor, "is_authenticated", False):
        return []
    subs = list(
        Submission.objects.filter(meeting=meeting)
        .filter(Q(user=actor) | Q(proxy__grantor=actor))
        .order_by("cast_at", "pk")
    )
    if not subs:
        return []
    items = answer_service.meeting_items(meeting)
    ballots = list(Ballot.objects.filter(submission__in=subs).select_related("flat__building").order_by("pk"))
    first_of: dict[int, Ballot] = {}
    flats: dict[int, list[str]] = defaultdict(list)
    where: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for b in ballots:
        first_of.setdefault(b.submission_id, b)
        flats[b.submission_id].append(_label(b.flat))
        where[b.submission_id].append((b.flat_id, b.flat.building_id))
    submission_of = {b.pk: b.submission_id for b in ballots}
    # Every ballot of a submission carries the same marks, except an item for part of the estate,
    # marked only on the flats in its scope (R-MTG-9): one mark per item and candidate.
    choices: dict[int, dict[tuple, Choice]] = defaultdict(dict)
    for c in Choice.objects.filter(ballot_id__in=list(submission_of)).order_by("pk"):
        choices[submission_of[c.ballot_id]].setdefault((c.item_id, c.candidate_id), c)
    out = []
    for s in subs:
        first = first_of.get(s.pk)
        mine = answer_service.items_for(items, where[s.pk])
        out.append(
            MyBallot(
                submission=s,
                code=display_code(s.code),
                flats=flats[s.pk],
                rows=answer_service.described(mine, list(choices[s.pk].values())),
                partial=bool(first and first.partial),
                by_proxy=s.user_id != actor.pk,
            )
        )
    return out


def receipt_lookup(code: str) -> Submission | None:
    """The submission with this receipt code (any spelling: lower case, hyphens, spaces)."""
    wanted = normalise_code(code)
    if len(wanted) != CODE_LENGTH:
        return None
    return Submission.objects.select_related("meeting", "meeting__estate").filter(code=wanted).first()
