"""What the owner pages and the poster read. Reads only; the other apps own their rules and are
asked through their selectors (docs/CONTRACTS.md, "Issue 3")."""

from __future__ import annotations

from dataclasses import dataclass, field

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

NOTICES_ON_HOME = 3


def active_bindings(user):
    return bindings_selectors.active_bindings(user).order_by(
        "estate__name", "flat__building__name", "flat__room"
    )


def current_publications(estates) -> list[Publication]:
    """Binding lists on public display today (R-BIND-3) for these estates, as the binding-list
    app decides it (not withdrawn, today within the publicity period)."""
    found = [bindinglist_selectors.running_publication(estate) for estate in estates]
    return sorted((p for p in found if p is not None), key=lambda p: (p.ends_on, p.pk))


@dataclass
class OwnerMeeting:
    """A meeting an owner is shown: publicised and not over, with how they may vote in it once
    voting opened (R-VOTE-4: electronic, or paper only with the reason)."""

    meeting: Meeting
    eligibility: list = field(default_factory=list)

    @property
    def voting_opened(self) -> bool:
        return self.meeting.voting_opened_at is not None

    @property
    def paper_only(self) -> bool:
        return any(e.mode == e.Mode.PAPER_ONLY for e in self.eligibility)


def owner_meetings(user, meetings) -> list[OwnerMeeting]:
    """``meetings`` with the user's own eligibility rows (none when not signed in)."""
    signed_in = getattr(user, "is_authenticated", False)
    return [
        OwnerMeeting(
            m, meetings_selectors.eligibility_for(user, m) if signed_in and m.voting_opened_at else []
        )
        for m in meetings
    ]


def current_meetings_for(user) -> list[OwnerMeeting]:
    """The current meetings of the estates where the user has bound a flat."""
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
