"""Who is told of a meeting (R-MTG-1, R-MTG-2, R-MTG-4): the supervisor of its convener (the street
office of the estate's street, its district bureau where the street office convenes, R-ORG-3),
the community residents' committee of its community, the members of the convening organisation.
Reads only: who may *do* what is ``permissions.py``."""

from __future__ import annotations

from ownervote.orgs import scoping
from ownervote.orgs.models import Association, Organisation, User
from ownervote.roster.models import Estate

from .models import Meeting

K = Organisation.Kind


def _members_of(org_filter: dict) -> list:
    return list(
        User.objects.filter(
            is_active=True,
            **{f"memberships__organisation__{k}": v for k, v in org_filter.items()},
        )
        .distinct()
        .order_by("pk")
    )


def supervisor_users(meeting: Meeting) -> list:
    """The staff of the body supervising the meeting's convener (R-MTG-2, R-ORG-3): the street office
    approved for the estate's street, or its district bureau where the street office convenes."""
    return scoping.supervisor_users(meeting.estate, meeting.convener.kind)


def supervised_by_district(meeting: Meeting) -> bool:
    """Whether a district bureau supervises the meeting: its convener is a street office (R-ORG-3).
    Pages say so where they would name the street office."""
    return meeting.supervised_by_district


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
