"""Who may do what with a meeting (art. 2, 12, 33, 34; R-MTG-1..6), built on ``orgs.scoping``,
which decides who sees which estate.

- Convening: an organisation of a convener kind (``scoping.CONVENER_KINDS``) with an approved
  association with the estate. A first assembly is convened by a preparatory group only (art. 12
  para. 3, R-MTG-5).
- Changing a meeting: the members of the organisation that convenes it, while it is still
  associated with the estate.
- Guidance: the street office of the estate's street (art. 12, R-MTG-2; ``scoping.supervises_estate``).
- Seeing: a draft is seen by the estate's conveners only; once entered, by everybody who sees the
  estate (the hierarchy above it); once publicised, also by the owners bound in the estate.
"""

from __future__ import annotations

from ownervote.bindings.selectors import is_bound_in
from ownervote.orgs import scoping
from ownervote.orgs.models import Association, Organisation, User
from ownervote.roster.models import Estate

from .models import Meeting, MeetingKind

K = Organisation.Kind

# Kinds that may convene a first owners' assembly (art. 12 para. 3: "筹备组作为召集人").
FIRST_ASSEMBLY_KINDS = {K.PREPARATORY_GROUP}


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def convening_organisations(user, estate: Estate, kind: str | None = None) -> list[Organisation]:
    """The user's organisations approved to convene ``estate``; for a first assembly only the
    preparatory groups among them."""
    organisations = scoping.roster_keepers(user, estate)
    if kind == MeetingKind.FIRST:
        organisations = [o for o in organisations if o.kind in FIRST_ASSEMBLY_KINDS]
    return organisations


def convening_organisation(user, estate: Estate, kind: str | None = None) -> Organisation | None:
    """The organisation the user convenes a meeting of ``kind`` in ``estate`` for, or None.
    Of several, the preparatory group first (it alone may convene a first assembly), then by id."""
    organisations = convening_organisations(user, estate, kind)
    if not organisations:
        return None
    return sorted(organisations, key=lambda o: (o.kind not in FIRST_ASSEMBLY_KINDS, o.pk))[0]


def can_convene(user, estate: Estate, kind: str | None = None) -> bool:
    """Whether the user may set up a meeting (of ``kind``, if given) in ``estate``."""
    return convening_organisation(user, estate, kind) is not None


def can_manage(user, meeting: Meeting) -> bool:
    """Whether the user may change, submit, publish or cancel ``meeting``: a member of the
    organisation convening it, still approved for the estate."""
    return any(o.pk == meeting.convener_id for o in scoping.roster_keepers(user, meeting.estate))


def can_guide(user, meeting: Meeting) -> bool:
    """The street office of the meeting's estate's street (art. 12). The window (R-MTG-2) is the
    service's concern."""
    return scoping.supervises_estate(user, meeting.estate)


def is_public(meeting: Meeting) -> bool:
    """The meeting was publicised (a public notice exists, also once cancelled or closed)."""
    return meeting.publicity_starts_on is not None


def can_see_meeting(user, meeting: Meeting) -> bool:
    if not _authenticated(user):
        return False
    estate = meeting.estate
    if meeting.status == Meeting.Status.DRAFT or (
        meeting.status == Meeting.Status.CANCELLED and meeting.submitted_at is None
    ):
        return scoping.can_keep_roster(user, estate)
    if scoping.can_see_estate(user, estate):
        return True
    return is_public(meeting) and is_bound_in(user, estate)


# --- who is told -------------------------------------------------------------------------------


def _members_of(org_filter: dict) -> list:
    return list(
        User.objects.filter(
            is_active=True,
            **{f"memberships__organisation__{k}": v for k, v in org_filter.items()},
        )
        .distinct()
        .order_by("pk")
    )


def street_office_users(estate: Estate) -> list:
    """The staff of the street office approved for the estate's street (R-MTG-2)."""
    return _members_of(
        {
            "kind": K.STREET_OFFICE,
            "associations__division_id": estate.street_id,
            "associations__status": Association.Status.APPROVED,
        }
    )


def community_committee_users(estate: Estate) -> list:
    """The staff of the community residents' committee approved for the estate's community,
    invited to attend every meeting (art. 12, R-MTG-4). Empty when the estate has no community."""
    if not estate.community_id:
        return []
    return _members_of(
        {
            "kind": K.COMMUNITY_COMMITTEE,
            "associations__division_id": estate.community_id,
            "associations__status": Association.Status.APPROVED,
        }
    )


def convener_members(meeting: Meeting) -> list:
    """The active members of the organisation convening the meeting."""
    return list(
        User.objects.filter(is_active=True, memberships__organisation_id=meeting.convener_id)
        .distinct()
        .order_by("pk")
    )


def is_city_operator(user) -> bool:
    """The city operator keeps the holiday calendar (R-MTG-4)."""
    return scoping.is_city_operator(user)
