"""The co-owners' representative of a flat in a meeting (R-VOTE-8, art. 21).

A bound co-owner proposes a bound co-owner (himself included) and consents by proposing; every
other co-owner bound to the flat (when voting opened: the eligibility snapshot; before: the active
bindings) consents; when all have, the choice is in effect and only the representative votes the
flat electronically. Any bound co-owner may withdraw the choice until the flat has voted. All of
this from the meeting's publication until the flat's ballot is cast or voting closes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.bindings.models import Binding
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, require
from ownervote.meetings.models import Eligibility, Meeting
from ownervote.notify.services import notify
from ownervote.roster.models import Flat, Ownership

from ..access import Need, access_representative, access_voting
from ..errors import Code
from ..models import Ballot, Channel, Representative, RepresentativeConsent
from ..permissions import can_choose_representative
from ..selectors import co_owners as _co_owners
from ..selectors import required_consents

R = Representative.Status
LIVE = [R.PROPOSED, R.EFFECTIVE]


def _open_for_choice(meeting: Meeting, flat_id: int) -> None:
    S = Meeting.Status
    require(
        meeting.status in (S.PUBLISHED, S.VOTING) and timezone.now() < meeting.voting_closes_at,
        Conflict(
            Code.REPRESENTATIVE_CLOSED,
            _("A representative is chosen between the meeting's publication and the close of voting."),
        ),
    )
    require(
        not Ballot.objects.filter(meeting=meeting, flat_id=flat_id, channel=Channel.ELECTRONIC).exists(),
        Conflict(
            Code.REPRESENTATIVE_FLAT_VOTED,
            _("This flat has already voted: its representative can no longer change."),
        ),
    )


def _complete(rep: Representative, meeting: Meeting) -> bool:
    needed = required_consents(meeting, [rep.flat_id]).get(rep.flat_id, set())
    consented = set(rep.consents.values_list("user_id", flat=True))
    return bool(needed) and needed <= consented


def _label(flat: Flat) -> str:
    return f"{flat.building.name}-{flat.room}"


def _tell(meeting: Meeting, rep: Representative, users, title: str, body: str, event: str) -> None:
    notify(
        users=users,
        kind="ballot.representative",
        title=title,
        body=body,
        link=reverse("voting:vote", args=[meeting.pk]),
        estate=meeting.estate,
        event=event,
    )


def _name(binding) -> str:
    return str(binding.owner.name_masked) if binding is not None else ""


def representative_propose(*, actor, meeting_id: int, flat_id: int, user_id: int) -> Representative:
    """A bound co-owner proposes ``user_id`` (a bound co-owner, maybe himself) to vote the flat."""
    with transaction.atomic():
        meeting = access_voting(actor, meeting_id, need=Need.CHOOSE)
        co_owners = _co_owners(meeting, flat_id)
        require(
            can_choose_representative(actor, co_owners),
            Forbidden(
                Code.REPRESENTATIVE_NOT_CO_OWNER,
                _("Only the flat's bound co-owners choose its representative."),
            ),
        )
        _open_for_choice(meeting, flat_id)
        require(
            user_id in co_owners,
            InvalidInput(
                Code.REPRESENTATIVE_NOT_CO_OWNER,
                _("The representative must be one of the flat's bound co-owners."),
                details={"user_id": str(_("Choose one of the flat's bound co-owners."))},
            ),
        )
        try:
            with transaction.atomic():
                rep = Representative.objects.create(
                    meeting=meeting, flat_id=flat_id, user_id=user_id, proposed_by=actor
                )
                RepresentativeConsent.objects.create(representative=rep, user=actor)
        except IntegrityError:
            raise Conflict(
                Code.REPRESENTATIVE_EXISTS,
                _(
                    "A representative has already been proposed for this flat: "
                    "consent to it or withdraw it first."
                ),
            ) from None
        flat = Flat.objects.select_related("building").get(pk=flat_id)
        effective = _complete(rep, meeting)
        if effective:
            rep.status, rep.effective_at = R.EFFECTIVE, timezone.now()
            rep.save(update_fields=["status", "effective_at"])
        record(
            actor=actor,
            action="representative.proposed",
            obj=rep,
            estate_id=meeting.estate_id,
            summary={"flat": _label(flat), "representative": user_id, "effective": effective},
        )
        others = [b.user for uid, b in co_owners.items() if uid != actor.pk]
        if others:
            with translation.override(settings.LANGUAGE_CODE):
                _tell(
                    meeting,
                    rep,
                    others,
                    gettext("Choose who votes for %(flat)s") % {"flat": _label(flat)},
                    gettext(
                        "A co-owner of %(flat)s proposes %(name)s to vote for the flat in “%(title)s”. "
                        "Open the vote page to consent or withdraw."
                    )
                    % {"flat": _label(flat), "name": _name(co_owners[user_id]), "title": meeting.title},
                    f"representative:{rep.pk}:proposed",
                )
    return rep


def representative_consent(*, actor, representative_id: int) -> Representative:
    """Another bound co-owner consents; when every one has, the choice takes effect."""
    with transaction.atomic():
        rep, meeting, co_owners = access_representative(actor, representative_id, need=Need.CHOOSE, lock=True)
        require(
            rep.status == R.PROPOSED,
            Conflict(Code.REPRESENTATIVE_WRONG_STATUS, _("This choice is no longer awaiting consent.")),
        )
        _open_for_choice(meeting, rep.flat_id)
        _consent, created = RepresentativeConsent.objects.get_or_create(representative=rep, user=actor)
        require(
            created,
            Conflict(Code.REPRESENTATIVE_ALREADY_CONSENTED, _("You have already consented to this choice.")),
        )
        flat = Flat.objects.select_related("building").get(pk=rep.flat_id)
        effective = _complete(rep, meeting)
        if effective:
            rep.status, rep.effective_at = R.EFFECTIVE, timezone.now()
            rep.save(update_fields=["status", "effective_at"])
        record(
            actor=actor,
            action="representative.consented",
            obj=rep,
            estate_id=meeting.estate_id,
            summary={"flat": _label(flat), "effective": effective},
        )
        if effective:
            with translation.override(settings.LANGUAGE_CODE):
                _tell(
                    meeting,
                    rep,
                    [b.user for b in co_owners.values()],
                    gettext("%(flat)s has its representative") % {"flat": _label(flat)},
                    gettext("Every co-owner of %(flat)s agreed: %(name)s votes for the flat in “%(title)s”.")
                    % {
                        "flat": _label(flat),
                        "name": _name(co_owners.get(rep.user_id)),
                        "title": meeting.title,
                    },
                    f"representative:{rep.pk}:effective",
                )
    return rep


def representative_withdraw(*, actor, representative_id: int) -> Representative:
    """Any bound co-owner withdraws the choice, until the flat has voted."""
    with transaction.atomic():
        rep, meeting, co_owners = access_representative(actor, representative_id, need=Need.CHOOSE, lock=True)
        require(
            R.WITHDRAWN in Representative.TRANSITIONS[R(rep.status)],
            Conflict(Code.REPRESENTATIVE_WRONG_STATUS, _("This choice was already withdrawn.")),
        )
        _open_for_choice(meeting, rep.flat_id)
        rep.status, rep.withdrawn_at = R.WITHDRAWN, timezone.now()
        rep.save(update_fields=["status", "withdrawn_at"])
        flat = Flat.objects.select_related("building").get(pk=rep.flat_id)
        record(
            actor=actor,
            action="representative.withdrawn",
            obj=rep,
            estate_id=meeting.estate_id,
            summary={"flat": _label(flat)},
        )
        others = [b.user for uid, b in co_owners.items() if uid != actor.pk]
        if others:
            with translation.override(settings.LANGUAGE_CODE):
                _tell(
                    meeting,
                    rep,
                    others,
                    gettext("Representative withdrawn for %(flat)s") % {"flat": _label(flat)},
                    gettext(
                        "A co-owner of %(flat)s withdrew the choice of representative in “%(title)s”: "
                        "without one, the flat's first completed ballot counts."
                    )
                    % {"flat": _label(flat), "title": meeting.title},
                    f"representative:{rep.pk}:withdrawn",
                )
    return rep


# --- for the pages and the API ------------------------------------------------------------------


@dataclass
class CoOwnerFlat:
    """A flat of the viewer with more than one owner, and its choice of representative."""

    flat: Flat
    label: str
    co_owners: list[dict]  # {"user_id", "name", "consented", "me"}
    representative: Representative | None
    representative_name: str = ""
    consented: bool = False  # the viewer consented to the live choice
    can_change: bool = True
    reason: str = ""
    others: list = field(default_factory=list)


def co_owner_flats(actor, meeting: Meeting) -> list[CoOwnerFlat]:
    """The viewer's flats in the meeting's estate that have several owners in the roster, each
    with its bound co-owners and its live choice of representative (if any)."""
    if not getattr(actor, "is_authenticated", False):
        return []
    if meeting.voting_opened_at is not None:
        mine = set(Eligibility.objects.filter(meeting=meeting, user=actor).values_list("flat_id", flat=True))
    else:
        mine = set(
            Binding.objects.filter(
                user=actor, estate_id=meeting.estate_id, status=Binding.Status.ACTIVE
            ).values_list("flat_id", flat=True)
        )
    if not mine:
        return []
    owners: dict[int, int] = defaultdict(int)
    for flat_id in Ownership.objects.filter(flat_id__in=mine, ended_at__isnull=True).values_list(
        "flat_id", flat=True
    ):
        owners[flat_id] += 1
    shared = sorted(f for f in mine if owners[f] > 1)
    if not shared:
        return []
    reps = {
        r.flat_id: r
        for r in Representative.objects.filter(
            meeting=meeting, flat_id__in=shared, status__in=LIVE
        ).prefetch_related("consents")
    }
    voted = set(
        Ballot.objects.filter(meeting=meeting, flat_id__in=shared, channel=Channel.ELECTRONIC).values_list(
            "flat_id", flat=True
        )
    )
    S = Meeting.Status
    window = meeting.status in (S.PUBLISHED, S.VOTING) and timezone.now() < meeting.voting_closes_at
    out = []
    for flat in Flat.objects.filter(pk__in=shared).select_related("building").order_by("sort_key", "pk"):
        bound = _co_owners(meeting, flat.pk)
        rep = reps.get(flat.pk)
        consents = {c.user_id for c in rep.consents.all()} if rep else set()
        reason = ""
        if flat.pk in voted:
            reason = str(_("This flat has already voted."))
        elif not window:
            reason = str(
                _("A representative is chosen between the meeting's publication and the close of voting.")
            )
        out.append(
            CoOwnerFlat(
                flat=flat,
                label=_label(flat),
                co_owners=[
                    {"user_id": uid, "name": _name(b), "consented": uid in consents, "me": uid == actor.pk}
                    for uid, b in sorted(bound.items())
                ],
                representative=rep,
                representative_name=_name(bound.get(rep.user_id)) if rep else "",
                consented=actor.pk in consents,
                can_change=not reason,
                reason=reason,
            )
        )
    return out
