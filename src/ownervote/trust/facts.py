"""The facts the impersonation signals are decided from (R-TRUST-1): what the system already records
of an estate's bindings, verifications, electronic ballots and proxies, as ``rules.trust.Act``
(keys only) with, beside each, its evidence item with personal data masked.

Only recent acts are examined: meetings whose voting is running or closed at most ``RECENT`` ago,
bindings of the last ``RECENT`` (and, for the bursts before a meeting, the window the thresholds
ask for before its voting opened).

Bindings and verifications moved over from another platform (R-DATA-1) carry the import's
provenance and are left out (``own_only``): an import is a burst by nature, not a pattern of owners,
its dates are the former platform's, and it recorded no device or address here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from ownervote.bindings.models import Binding
from ownervote.core import crypto
from ownervote.meetings.models import Meeting, MeetingStatus
from ownervote.roster.models import Estate
from ownervote.rules.trust import Act
from ownervote.verification.models import Method, Verification
from ownervote.voting.models import Ballot, Channel, Proxy

RECENT = dt.timedelta(days=60)


@dataclass
class Facts:
    """Acts (``rules.trust.Act``) and, by (type, id), the masked evidence item of each."""

    acts: list[Act] = field(default_factory=list)
    evidence: dict[tuple[str, int], dict] = field(default_factory=dict)

    def add(self, act: Act, item: dict) -> None:
        self.acts.append(act)
        self.evidence[(act.type, act.id)] = item


def mask_address(address: str | None) -> str:
    """203.0.113.7 -> 203.0.113.*; an IPv6 address keeps its first four groups."""
    if not address:
        return ""
    if ":" in address:
        return ":".join(address.split(":")[:4]) + ":*"
    return ".".join(address.split(".")[:3]) + ".*"


def address_key(address: str | None) -> str:
    """A network address as a signal's key: keyed hash, so the key itself names nobody."""
    return crypto.lookup_hash("address", address) if address else ""


def _iso(at: dt.datetime | None) -> str:
    return at.isoformat() if at else ""


def _device(device_hash: str) -> str:
    # The device id's keyed hash is not personal data; its first characters tell devices apart.
    return device_hash[:8]


def _recent_meetings(now: dt.datetime) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        Q(status=MeetingStatus.VOTING) | Q(status=MeetingStatus.CLOSED, voting_closes_at__gte=now - RECENT)
    )


def examined_meetings(estate: Estate, now: dt.datetime) -> QuerySet[Meeting]:
    """The estate's meetings whose voting is running, or closed at most ``RECENT`` ago."""
    return _recent_meetings(now).filter(estate=estate)


def estates_to_examine(now: dt.datetime) -> QuerySet[Estate]:
    """The estates with something recent: a binding of the last ``RECENT``, or a meeting whose
    voting is running or closed at most ``RECENT`` ago (the others have nothing to examine)."""
    return Estate.objects.filter(
        Q(pk__in=Binding.objects.filter(bound_at__gte=now - RECENT).values("estate_id"))
        | Q(pk__in=_recent_meetings(now).values("estate_id"))
    )


def own_only(queryset: QuerySet) -> QuerySet:
    """Leave out rows imported from another platform (R-DATA-1: a non-empty ``provenance``)."""
    return queryset.filter(provenance="")


def bindings(estate: Estate, since: dt.datetime, until: dt.datetime) -> Facts:
    """The estate's bindings made in [since, until): by whom (the mobile the person verified with,
    else their account's), from which device and address, for which flat and owner."""
    facts = Facts()
    rows = own_only(
        Binding.objects.filter(estate=estate, bound_at__gte=since, bound_at__lt=until).select_related(
            "user", "owner", "flat__building", "verification"
        )
    )
    for b in rows:
        mobile_hash = b.verification.mobile_hash or b.user.mobile_hash
        mobile_masked = b.verification.mobile_masked or b.user.mobile_masked
        act = Act(
            type="binding",
            id=b.pk,
            at=b.bound_at,
            flat=b.flat_id,
            owner=b.owner_id,
            mobile=mobile_hash,
            device=b.device_hash,
            address=address_key(b.client_ip),
        )
        facts.add(
            act,
            {
                "type": "binding",
                "id": b.pk,
                "flat": str(b.flat),
                "owner": b.owner.name_masked,
                "mobile": mobile_masked,
                "device": _device(b.device_hash),
                "address": mask_address(b.client_ip),
                "at": _iso(b.bound_at),
            },
        )
    return facts


def verifications(estate: Estate, since: dt.datetime, until: dt.datetime) -> Facts:
    """Passed verifications of the estate finished in [since, until): on-site ones made for the
    estate, and self-service ones that a binding in the estate used."""
    facts = Facts()
    used = Binding.objects.filter(estate=estate).values("verification_id")
    rows = own_only(
        Verification.objects.filter(
            status=Verification.Status.PASSED, finished_at__gte=since, finished_at__lt=until
        )
        .filter(Q(estate=estate) | Q(pk__in=used))
        .select_related("flat__building")
    )
    for v in rows:
        on_site = v.method == Method.ON_SITE
        act = Act(
            type="verification",
            id=v.pk,
            at=v.finished_at,
            flat=v.flat_id,
            mobile=v.mobile_hash,
            device=v.device_hash,
            address=address_key(v.client_ip),
            checker=v.checked_by_id if on_site else None,
        )
        facts.add(
            act,
            {
                "type": "verification",
                "id": v.pk,
                "flat": str(v.flat) if v.flat_id else "",
                "name": v.name_masked,
                "mobile": v.mobile_masked,
                "method": v.method,
                # The checker acts in an official capacity, under their real name (R-ID-2).
                "checker": v.checker_real_name if on_site else "",
                "at": _iso(v.finished_at),
            },
        )
    return facts


def ballots(meeting: Meeting) -> Facts:
    """The meeting's electronic ballots cast by the owners themselves (a proxy's are the proxy
    concentration's), each with the owner of its binding and where its submission came from."""
    facts = Facts()
    rows = Ballot.objects.filter(
        meeting=meeting, channel=Channel.ELECTRONIC, proxy__isnull=True, binding__isnull=False
    ).select_related("submission__user", "binding__owner", "flat__building")
    for b in rows:
        s = b.submission
        act = Act(
            type="ballot",
            id=b.pk,
            at=b.cast_at,
            flat=b.flat_id,
            owner=b.binding.owner_id,
            mobile=s.user.mobile_hash,
            device=s.device_hash,
            address=address_key(s.client_ip),
        )
        facts.add(act, ballot_item(b))
    return facts


def ballot_item(b: Ballot) -> dict:
    """A ballot as masked evidence: its flat, owner, the mobile and device it came from, when."""
    s = b.submission
    item = {"type": "ballot", "id": b.pk, "flat": str(b.flat), "channel": b.channel, "at": _iso(b.cast_at)}
    if b.binding is not None:
        item["owner"] = b.binding.owner.name_masked
    if s is not None:
        item.update(
            mobile=s.user.mobile_masked,
            device=_device(s.device_hash),
            address=mask_address(s.client_ip),
            receipt=s.code[:4] + "…" if s.code else "",
        )
    return item


def flat_ballots(meeting_id: int, flat_id: int) -> list[dict]:
    """The evidence of a disowned ballot (R-TRUST-2): the meeting's ballots recorded for the flat."""
    rows = Ballot.objects.filter(meeting_id=meeting_id, flat_id=flat_id).select_related(
        "submission__user", "binding__owner", "flat__building"
    )
    return [ballot_item(b) for b in rows.order_by("cast_at", "pk")]


@dataclass
class ProxyFacts(Facts):
    place: dict[int, tuple[int, int]] = field(default_factory=dict)  # proxy id -> (estate, meeting)


def city_proxies(estate: Estate, now: dt.datetime) -> ProxyFacts:
    """Proxies in force in the examined meetings of every estate of ``estate``'s city: a holder is
    counted across estates by the keyed hash of their ID number."""
    facts = ProxyFacts()
    city_id = estate.street.parent.parent_id
    meetings = _recent_meetings(now).filter(estate__street__parent__parent_id=city_id)
    rows = (
        Proxy.objects.filter(meeting__in=meetings, status=Proxy.Status.ACTIVE)
        .select_related("owner")
        .prefetch_related("flats__building")
    )
    for p in rows:
        flats = sorted(p.flats.all(), key=lambda f: f.pk)
        act = Act(
            type="proxy",
            id=p.pk,
            at=p.created_at,
            owner=p.owner_id,
            holder=p.id_number_hash,
            flats=tuple(f.pk for f in flats),
            device=p.device_hash,
            address=address_key(p.client_ip),
        )
        facts.add(
            act,
            {
                "type": "proxy",
                "id": p.pk,
                "flat": "、".join(str(f) for f in flats),
                "owner": p.owner.name_masked,
                "holder": p.name_masked,
                "mobile": p.mobile_masked,
                "id_number": p.id_number_masked,
                "at": _iso(p.created_at),
            },
        )
        facts.place[p.pk] = (p.estate_id, p.meeting_id)
    return facts
