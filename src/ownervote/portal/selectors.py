"""What the owner pages and the poster read. Reads only; the other apps own their rules and are
asked through their selectors (docs/CONTRACTS.md, "Issue 3")."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from ownervote.bindinglist import selectors as bindinglist_selectors
from ownervote.bindinglist.models import Publication
from ownervote.bindings import selectors as bindings_selectors
from ownervote.meetings import selectors as meetings_selectors
from ownervote.meetings.models import Meeting
from ownervote.notify.services import unread_count
from ownervote.orgs import scoping
from ownervote.orgs.models import Association, Organisation
from ownervote.roster.access import access_estate
from ownervote.roster.models import Estate
from ownervote.verification.selectors import published_notices, verified_identity
from ownervote.voting.models import Submission
from ownervote.voting.services import cast

NOTICES_ON_HOME = 3


def active_bindings(user):
    return bindings_selectors.active_bindings(user).order_by("estate__name", "flat__sort_key", "flat_id")


def current_publications(estates) -> list[Publication]:
    """Binding lists on public display today (R-BIND-3) for these estates, as the binding-list
    app decides it (not withdrawn, today within the publicity period)."""
    found = [bindinglist_selectors.running_publication(estate) for estate in estates]
    return sorted((p for p in found if p is not None), key=lambda p: (p.ends_on, p.pk))


class State:
    """Where a meeting stands for the person looking (issue 22 item 6), most urgent first: the
    order of ``URGENCY`` is the order of the owner's home."""

    VOTE_NOW = "vote_now"  # voting is open and a flat of theirs can still vote electronically
    PAPER = "paper"  # voting is open, nothing to vote on the phone and nothing voted: paper only
    UPCOMING = "upcoming"  # publicised, voting not open yet
    VOTED = "voted"  # voting is open, every flat they could vote has voted: the receipt
    CLOSED = "closed"  # voting is over, the result is not publicised yet
    RESULT = "result"  # the result is publicised (art. 26, R-RES-3)


URGENCY = (State.VOTE_NOW, State.PAPER, State.UPCOMING, State.VOTED, State.CLOSED, State.RESULT)


@dataclass
class OwnerMeeting:
    """A meeting an owner is shown: publicised and not over, with how they may vote in it once
    voting opened (R-VOTE-4: electronic, or paper only with the reason), where it stands for them
    (``state``) and the receipt codes of the ballots cast for them (R-VOTE-3)."""

    meeting: Meeting
    eligibility: list = field(default_factory=list)
    state: str = State.UPCOMING
    receipts: list[str] = field(default_factory=list)
    voted_flats: list[str] = field(default_factory=list)

    @property
    def voting_opened(self) -> bool:
        return self.meeting.voting_opened_at is not None

    @property
    def paper_only(self) -> bool:
        return any(e.mode == e.Mode.PAPER_ONLY for e in self.eligibility)

    @property
    def paper_rows(self) -> list:
        """The eligibility rows of flats that vote on paper only (with the reason, art. 18)."""
        return [e for e in self.eligibility if e.mode == e.Mode.PAPER_ONLY]

    @property
    def sort_key(self) -> tuple:
        """Most urgent first; within a state the nearest deadline first."""
        m = self.meeting
        when = m.voting_closes_at if self.state in (State.VOTE_NOW, State.PAPER) else m.voting_opens_at
        return (URGENCY.index(self.state), when or m.starts_at, m.pk)


def _receipts(user, meetings: list[Meeting]) -> dict[int, list[str]]:
    """The receipt codes of the submissions cast by the user or by their proxy, by meeting."""
    found: dict[int, list[str]] = {}
    rows = (
        Submission.objects.filter(meeting__in=[m.pk for m in meetings])
        .filter(Q(user=user) | Q(proxy__grantor=user))
        .order_by("cast_at", "pk")
        .values_list("meeting_id", "code")
    )
    for meeting_id, code in rows:
        found.setdefault(meeting_id, []).append(cast.display_code(code))
    return found


def _state(user, om: OwnerMeeting, signed_in: bool, now) -> None:
    """Fill in ``om.state`` (and the voted flats) for the user."""
    m = om.meeting
    if m.status == Meeting.Status.CLOSED:
        om.state = State.RESULT  # a closed meeting is shown only while its result is publicised
        return
    if m.status != Meeting.Status.VOTING or m.voting_opens_at is None or now < m.voting_opens_at:
        om.state = State.UPCOMING
        return
    if m.voting_closes_at is not None and now >= m.voting_closes_at:
        om.state = State.CLOSED
        return
    entries = cast.voter_flats(user, m) if signed_in else []
    om.voted_flats = [e.label for e in entries if e.voted_at is not None]
    if any(e.can_vote for e in entries):
        om.state = State.VOTE_NOW
    elif om.voted_flats or om.receipts:
        om.state = State.VOTED
    else:
        om.state = State.PAPER if signed_in else State.VOTE_NOW


def owner_meetings(user, meetings) -> list[OwnerMeeting]:
    """``meetings`` with the user's own eligibility rows and receipts (none when not signed in)
    and where each stands for them, most urgent first (``OwnerMeeting.sort_key``)."""
    meetings = list(meetings)
    signed_in = getattr(user, "is_authenticated", False)
    receipts = _receipts(user, meetings) if signed_in and meetings else {}
    now = timezone.now()
    out = []
    for m in meetings:
        om = OwnerMeeting(
            m,
            meetings_selectors.eligibility_for(user, m) if signed_in and m.voting_opened_at else [],
            receipts=receipts.get(m.pk, []),
        )
        _state(user, om, signed_in, now)
        out.append(om)
    return sorted(out, key=lambda om: om.sort_key)


def current_meetings_for(user) -> list[OwnerMeeting]:
    """The current meetings of the estates where the user has bound a flat, most urgent first."""
    rows = (
        meetings_selectors.meetings_for_owner(user)
        .filter(meetings_selectors.shown_to_owners())
        .distinct()
        .order_by("starts_at", "pk")
    )
    return owner_meetings(user, rows)


@dataclass
class OwnerHome:
    identity: object | None = None
    bindings: list = field(default_factory=list)
    publications: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    unread: int = 0
    meetings: list[OwnerMeeting] = field(default_factory=list)


def owner_home(user) -> OwnerHome:
    """Everything the signed-in person's home page shows about them. The binding lists on display
    are those of every estate the person owns in: bound there, or verified and listed in its
    roster without a binding (R-BIND-4: any owner may check the list and object)."""
    bindings = list(active_bindings(user))
    estates = list({b.estate_id: b.estate for b in bindings}.values())
    identity = verified_identity(user)
    owned = {e.pk: e for e in estates}
    unbound = {m.flat.estate_id for m in bindings_selectors.matches(identity)} - owned.keys()
    if unbound:  # one query for the estates, not one per matching flat
        owned.update({e.pk: e for e in Estate.objects.filter(pk__in=unbound)})
    return OwnerHome(
        identity=identity,
        bindings=bindings,
        publications=current_publications(list(owned.values())) if owned else [],
        notices=list(published_notices()[:NOTICES_ON_HOME]),
        unread=unread_count(user),
        meetings=current_meetings_for(user) if estates else [],
    )


def bindings_in(user, estate: Estate) -> list:
    """The person's active bindings in ``estate`` (none when not signed in)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(active_bindings(user).filter(estate=estate))


def poster_estate(actor, estate_id: int) -> Estate:
    """The estate whose poster ``actor`` may print: staff who see the estate (its convener, its
    community, street, district and the city). Anyone else: NotFound, as for a missing estate."""
    return access_estate(actor, estate_id)


def conveners(estate: Estate) -> list[Organisation]:
    """The organisations approved to convene ``estate`` (its owners' committee, preparatory
    group, re-election group, or the community or street that convenes it)."""
    return [
        a.organisation
        for a in Association.objects.filter(
            estate=estate,
            status=Association.Status.APPROVED,
            organisation__kind__in=scoping.CONVENER_KINDS,
        )
        .select_related("organisation")
        .order_by("pk")
    ]
