"""Facts about a person in a meeting's voting that more than one part of voting reads: the
proxies they hold, whether they have voted, a flat's bound co-owners and whose consent its
representative needs. ``permissions`` decides on them, the services act on them; neither checks
who asks (that is ``access``)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef, Subquery

from ownervote.bindings.models import Binding
from ownervote.meetings.models import Eligibility, Meeting
from ownervote.verification.selectors import verified_identity

from .models import Ballot, Channel, Proxy, ProxyHolder, RollFlat


def held_by(user, meeting: Meeting) -> list[Proxy]:
    """The proxies in force in ``meeting`` held by ``user``: the holder's ID number is the one
    the user was verified with (an unverified user holds none, R-ID). The holder row is linked to
    the account the first time."""
    identity = verified_identity(user)
    if identity is None or not identity.id_number_hash:
        return []
    holder = ProxyHolder.objects.filter(
        estate_id=meeting.estate_id, id_number_hash=identity.id_number_hash
    ).first()
    if holder is None:
        return []
    if holder.user_id is None:
        ProxyHolder.objects.filter(pk=holder.pk, user__isnull=True).update(user=user)
    return list(
        Proxy.objects.filter(meeting=meeting, holder=holder, status=Proxy.Status.ACTIVE)
        .select_related("owner", "grantor")
        .prefetch_related("flats", "flats__building")
        .order_by("created_at", "pk")
    )


def has_voted(user, meeting: Meeting) -> bool:
    """An eligible owner with a counted ballot for one of their flats (R-VOTE-3)."""
    if not getattr(user, "is_authenticated", False):
        return False
    flats = Eligibility.objects.filter(meeting_id=meeting.pk, user_id=user.pk).values("flat_id")
    return Ballot.objects.filter(meeting_id=meeting.pk, flat_id__in=flats, superseded=False).exists()


def bound_late(user, meeting: Meeting) -> list[Binding]:
    """The user's active bindings of flats on the meeting's roll (estate ``meeting.estate``) for
    which the user has no eligibility row in the meeting: bound after the eligibility was frozen
    when voting opened, without the row a binding made while it votes gets (``sales``). Art. 18
    (R-VOTE-4): such a flat votes on paper in this meeting. One statement: the flat and its
    building loaded, ``voted_at`` the cast time of the flat's electronic ballot in the meeting (or
    None), in page order. Before voting opens the roll is empty, so nothing is returned."""
    if not getattr(user, "is_authenticated", False):
        return []
    on_roll = RollFlat.objects.filter(meeting_id=meeting.pk, flat_id=OuterRef("flat_id"))
    has_row = Eligibility.objects.filter(meeting_id=meeting.pk, user_id=user.pk, flat_id=OuterRef("flat_id"))
    ballot = Ballot.objects.filter(
        meeting_id=meeting.pk, flat_id=OuterRef("flat_id"), channel=Channel.ELECTRONIC
    ).order_by("cast_at")
    return list(
        Binding.objects.filter(user_id=user.pk, estate_id=meeting.estate_id, status=Binding.Status.ACTIVE)
        .filter(Exists(on_roll))
        .exclude(Exists(has_row))
        .annotate(voted_at=Subquery(ballot.values("cast_at")[:1]))
        .select_related("flat__building")
        .order_by("flat__sort_key", "flat_id", "pk")
    )


def required_consents(meeting: Meeting, flat_ids) -> dict[int, set[int]]:
    """flat id -> the user ids of the co-owners whose consent a representative needs: those bound
    when voting opened (the eligibility snapshot), or before that the active bindings (R-VOTE-8)."""
    out: dict[int, set[int]] = defaultdict(set)
    if meeting.voting_opened_at is not None:
        rows = Eligibility.objects.filter(meeting=meeting, flat_id__in=list(flat_ids)).values_list(
            "flat_id", "user_id"
        )
    else:
        rows = Binding.objects.filter(flat_id__in=list(flat_ids), status=Binding.Status.ACTIVE).values_list(
            "flat_id", "user_id"
        )
    for flat_id, user_id in rows:
        out[flat_id].add(user_id)
    return out


def co_owners(meeting: Meeting, flat_id: int) -> dict[int, Binding]:
    """user id -> Binding of the flat's bound co-owners (see ``required_consents``)."""
    if meeting.voting_opened_at is not None:
        rows = Eligibility.objects.filter(meeting=meeting, flat_id=flat_id).select_related(
            "binding__owner", "user"
        )
        return {r.user_id: r.binding for r in rows}
    bindings = Binding.objects.filter(flat_id=flat_id, status=Binding.Status.ACTIVE).select_related(
        "owner", "user"
    )
    return {b.user_id: b for b in bindings}


def flats_with_running_ballots(sender, *, estate, **kwargs) -> set[int]:
    """``roster.signals.flats_in_use``: the estate's flats with a ballot of a meeting still voting
    (a roster import that removes or changes one of them needs a typed confirmation)."""
    return set(
        Ballot.objects.filter(meeting__estate=estate, meeting__status=Meeting.Status.VOTING).values_list(
            "flat_id", flat=True
        )
    )
