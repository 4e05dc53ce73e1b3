"""Who may do what with a meeting (art. 2, 12, 33, 34; R-MTG-1..6), built on ``orgs.scoping``,
which decides who sees which estate. The only place in meetings that decides it: services, views
and the API ask these (through ``access.access_meeting`` for a meeting).

- ``can_convene``: set up a meeting in an estate: an organisation of a convener kind
  (``scoping.CONVENER_KINDS``) with an approved association with the estate. A first assembly is
  convened by a preparatory group only (art. 12 para. 3, R-MTG-5).
- ``can_see_meeting``: a draft is seen by the estate's conveners only; once entered, by everybody
  who sees the estate (the hierarchy above it); once publicised, also by the owners bound in it.
- ``can_manage``: change, enter, publicise or cancel the meeting and attach its documents: the
  members of the organisation that convenes it, while it is still associated with the estate.
- ``can_guide``: give guidance: the street office of the estate's street (art. 12, R-MTG-2), or its
  district bureau where the street office itself convenes (R-ORG-3).
- ``can_keep_calendar``: enter or correct a year of the holiday calendar: the city operator
  (R-MTG-4).
- ``can_read_document``: read a document publicised with the meeting: anybody, except the owner
  list, which only those who see the meeting read.
"""

from __future__ import annotations

from ownervote.bindings.selectors import is_bound_in
from ownervote.orgs import scoping
from ownervote.orgs.models import Organisation
from ownervote.roster.models import Estate

from .models import Meeting, MeetingDocument, MeetingKind

K = Organisation.Kind

# Kinds that may convene a first owners' assembly (art. 12 para. 3: "筹备组作为召集人").
FIRST_ASSEMBLY_KINDS = {K.PREPARATORY_GROUP}

# Publicised documents anyone may read, except these. The owner list names every owner: it is
# publicised to the estate's owners (art. 12 para. 3), not to the internet, so it needs a signed-in
# reader who may see the meeting (its bound owners and the staff over the estate).
PRIVATE_DOCUMENT_KINDS = (MeetingDocument.Kind.OWNER_LIST,)


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
    """Whether the user may change, enter, publicise or cancel ``meeting`` and attach or remove
    its documents: a member of the organisation convening it, still approved for the estate."""
    return any(o.pk == meeting.convener_id for o in scoping.roster_keepers(user, meeting.estate))


def supervises(user, meeting: Meeting) -> bool:
    """The body supervising the meeting's convener: the street office of the estate's street, or its
    district bureau where the street office convenes (art. 5, 33; R-ORG-3)."""
    return _authenticated(user) and scoping.supervises_estate(user, meeting.estate, meeting.convener.kind)


def supervising_organisation(user, meeting: Meeting) -> Organisation | None:
    """The organisation the user supervises the meeting for (``supervises``), or None."""
    return scoping.supervising_organisation(user, meeting.estate, meeting.convener.kind)


def can_guide(user, meeting: Meeting) -> bool:
    """The supervisor of the meeting's convener (art. 12; R-ORG-3). The window (R-MTG-2) is the
    service's concern."""
    return supervises(user, meeting)


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
    return meeting.publicised and is_bound_in(user, estate)


def can_read_document(user, document: MeetingDocument) -> bool:
    """A document of a publicised meeting: public, but the owner list only for who sees the
    meeting (``user`` may be anonymous)."""
    return document.kind not in PRIVATE_DOCUMENT_KINDS or can_see_meeting(user, document.meeting)


def can_keep_calendar(user) -> bool:
    """The city operator keeps the holiday calendar (R-MTG-4)."""
    return scoping.is_city_operator(user)


def can_read_service(user, meeting: Meeting) -> bool:
    """The proof of service of the notice (R-MTG-10): the convener, the supervising staff and the
    city operator."""
    return can_manage(user, meeting) or supervises(user, meeting) or scoping.is_city_operator(user)
