"""Who sees and decides what. Every query for estates, divisions or associations goes through
here, so a page, an API endpoint and a management command see the same rows.

An account acts through its organisations' *approved* associations:
city operator - the city; district bureau - its district; street office - its street;
community committee - its community; conveners - their estates.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Q, QuerySet

from ownervote.core import prepared

from .models import Association, Division, Membership, Organisation, User

if TYPE_CHECKING:
    from ownervote.roster.models import Estate

K = Organisation.Kind


def approved_associations(user) -> list[Association]:
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_approved_associations", None)
    if cache is None:
        cache = list(
            Association.objects.filter(
                organisation__memberships__user=user, status=Association.Status.APPROVED
            ).select_related("organisation", "division", "estate")
        )
        user._approved_associations = cache
    return cache


def forget(user) -> None:
    """Drop the per-request cache after the user's associations changed."""
    user.__dict__.pop("_approved_associations", None)
    user.__dict__.pop("_approved_kinds", None)


def user_kinds(user) -> set[str]:
    """The kinds of the organisations the user acts for through an approved association. Every
    request asks it (the second-factor middleware, orgs/middleware.py), an owner's too: unless
    the request has read the associations already, it is one prepared statement of the kinds
    alone, not the associations with their organisations, divisions and estates (which cost a
    five-table join planned afresh, and the ORM's compiling, on each request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    associations = getattr(user, "_approved_associations", None)
    if associations is not None:
        return {a.organisation.kind for a in associations}
    kinds = getattr(user, "_approved_kinds", None)
    if kinds is None:
        with prepared.cursor() as c:
            c.execute(_kinds_sql(), [user.pk, Association.Status.APPROVED.value])
            kinds = {kind for (kind,) in c.fetchall()}
        user._approved_kinds = kinds
    return set(kinds)


@cache
def _kinds_sql() -> str:
    """``user_kinds``' statement: the same joins and conditions as ``approved_associations``."""
    qn = connection.ops.quote_name
    association, organisation, membership = (
        qn(m._meta.db_table) for m in (Association, Organisation, Membership)
    )
    return (
        f"SELECT DISTINCT o.kind FROM {association} a"  # noqa: S608 - names from _meta, quoted
        f" JOIN {organisation} o ON o.id = a.organisation_id"
        f" JOIN {membership} m ON m.organisation_id = o.id"
        " WHERE m.user_id = %s AND a.status = %s"
    )


def _division_paths(user) -> list[str]:
    return [a.division.path for a in approved_associations(user) if a.division_id]


def divisions_visible_to(user) -> QuerySet[Division]:
    q = Q(pk__in=[])
    for path in _division_paths(user):
        q |= Q(path__startswith=path)
    return Division.objects.filter(q)


# Kinds whose approved association with an estate makes them its convener (art. 2, 33, 34).
# An organisation owner's association names the estate it owns flats in; it grants no roster access.
CONVENER_KINDS = {
    K.OWNERS_COMMITTEE,
    K.PREPARATORY_GROUP,
    K.REELECTION_GROUP,
    K.COMMUNITY_COMMITTEE,
    K.STREET_OFFICE,
}


def _convener_estate_ids(user) -> list[int]:
    return [
        a.estate_id
        for a in approved_associations(user)
        if a.estate_id and a.organisation.kind in CONVENER_KINDS
    ]


def estate_scope(user) -> Q:
    """The estates ``user`` sees, as a filter on ``roster.Estate``: its conveners' own estates and
    every estate in the divisions it acts for. ``roster.selectors.estates_visible_to(user)`` applies
    it (``orgs`` is below ``roster`` and names no estate model)."""
    q = Q(pk__in=_convener_estate_ids(user))
    for path in _division_paths(user):
        # A community committee's path lies below its street's, so match the community too.
        q |= Q(street__path__startswith=path) | Q(community__path__startswith=path)
    return q


def can_see_estate(user, estate: Estate) -> bool:
    return type(estate).objects.filter(estate_scope(user), pk=estate.pk).exists()


def roster_keepers(user, estate: Estate) -> list[Organisation]:
    """The user's organisations approved to act as convener for ``estate``: they keep its roster
    and totals (art. 7)."""
    return [
        a.organisation
        for a in approved_associations(user)
        if a.estate_id == estate.pk and a.organisation.kind in CONVENER_KINDS
    ]


def can_keep_roster(user, estate: Estate) -> bool:
    return bool(roster_keepers(user, estate))


# --- supervision (art. 5; R-ORG-3) -------------------------------------------------------------
#
# The street office of the estate's street supervises the convener's work: guidance, extensions,
# the paper count's supervision, the result's guidance, complaints. Where the street office itself
# convenes (art. 33), nobody supervises their own work: its district bureau takes those steps.
# A community committee convening (art. 34) is supervised by the street office as any convener.


def convener_kinds_of(estate: Estate) -> set[str]:
    """The kinds of the organisations approved, now, to convene ``estate``."""
    return set(
        Association.objects.filter(
            estate=estate, status=Association.Status.APPROVED, organisation__kind__in=CONVENER_KINDS
        ).values_list("organisation__kind", flat=True)
    )


def supervisor_of(estate: Estate, convener_kind: str | None = None) -> tuple[str, int | None]:
    """(kind, division id) of the body that supervises a convener of ``convener_kind`` in ``estate``:
    the district bureau of the estate's district for a street office, else the street office of the
    estate's street. Without ``convener_kind``: as the estate is convened now (a street office among
    its conveners makes the district the supervisor)."""
    if convener_kind is None:
        street_convenes = K.STREET_OFFICE in convener_kinds_of(estate)
    else:
        street_convenes = convener_kind == K.STREET_OFFICE
    if street_convenes:
        return K.DISTRICT_BUREAU, estate.street.parent_id
    return K.STREET_OFFICE, estate.street_id


def supervising_organisation(user, estate: Estate, convener_kind: str | None = None) -> Organisation | None:
    """The organisation the user acts for as the supervisor of a convener of ``convener_kind`` in
    ``estate`` (``supervisor_of``), or None."""
    kind, division_id = supervisor_of(estate, convener_kind)
    return next(
        (
            a.organisation
            for a in approved_associations(user)
            if a.organisation.kind == kind and a.division_id == division_id
        ),
        None,
    )


def supervises_estate(user, estate: Estate, convener_kind: str | None = None) -> bool:
    """Whether the user supervises a convener of ``convener_kind`` (default: the estate's current
    conveners) in ``estate``: the street office, or the district bureau where the street office
    convenes."""
    return supervising_organisation(user, estate, convener_kind) is not None


def supervisor_users(estate: Estate, convener_kind: str | None = None) -> list:
    """The active staff of the body supervising a convener of ``convener_kind`` in ``estate``: who
    is told of what the supervisor decides (an entered meeting, an extension, a complaint)."""
    kind, division_id = supervisor_of(estate, convener_kind)
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation__kind=kind,
            memberships__organisation__associations__division_id=division_id,
            memberships__organisation__associations__status=Association.Status.APPROVED,
        )
        .distinct()
        .order_by("pk")
    )


def supervised_q(user, *, estate: str = "estate", convener_kind: str = "convener__kind") -> Q:
    """What ``user`` supervises, as a filter on a model that names an estate (``estate``, a field
    path) and a convener's kind (``convener_kind``, a field path): as a street office, what conveners
    other than a street office do in its streets; as a district bureau, what a street office convenes
    in its district."""
    q = Q(pk__in=[])
    for a in approved_associations(user):
        if not a.division_id:
            continue
        if a.organisation.kind == K.STREET_OFFICE:
            q |= Q(**{f"{estate}__street_id": a.division_id}) & ~Q(**{convener_kind: K.STREET_OFFICE})
        elif a.organisation.kind == K.DISTRICT_BUREAU:
            q |= Q(**{f"{estate}__street__parent_id": a.division_id, convener_kind: K.STREET_OFFICE})
    return q


def is_supervisor(user) -> bool:
    """Staff of a body that supervises conveners: a street office or a district bureau."""
    return bool(user_kinds(user) & {K.STREET_OFFICE, K.DISTRICT_BUREAU})


def convener_users(estate: Estate) -> list:
    """The active members of the organisations approved to convene ``estate``: who is told of
    what happens there (an objection filed, art. 15)."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation__kind__in=CONVENER_KINDS,
            memberships__organisation__associations__estate=estate,
            memberships__organisation__associations__status=Association.Status.APPROVED,
        )
        .distinct()
        .order_by("pk")
    )


def administered_owner_organisations(user) -> QuerySet[Organisation]:
    """The organisation owners (companies, public bodies owning flats) the user administers: whose
    staff the user authorises to act and vote for them (R-ORG-2, art. 31)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=K.OWNER_ORGANISATION,
        memberships__user=user,
        memberships__role=Membership.Role.ADMIN,
    )


def is_city_operator(user) -> bool:
    """The city operator: an approved association of a city operator organisation. It keeps the
    holiday calendar (R-MTG-4) and the verification methods (R-ID-3)."""
    return K.CITY_OPERATOR in user_kinds(user)


def city_operator_users() -> list:
    """The active staff of every approved city operator: who is told that the platform needs
    something only the operator can do (a holiday calendar year to load, R-MTG-4)."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation__kind=K.CITY_OPERATOR,
            memberships__organisation__associations__status=Association.Status.APPROVED,
        )
        .distinct()
        .order_by("pk")
    )


def can_create_estate_in(user, street: Division) -> bool:
    """Street offices register estates in their street; district and city in theirs."""
    for a in approved_associations(user):
        kind_ok = a.organisation.kind in (K.STREET_OFFICE, K.DISTRICT_BUREAU, K.CITY_OPERATOR)
        if a.division_id and kind_ok and street.path.startswith(a.division.path):
            return True
    return False


def approver_kind(association: Association) -> str:
    """Which kind of organisation decides an association (art. 4, 5)."""
    if association.estate_id:
        # A street office convening an estate itself (art. 33) is approved one level up.
        return K.DISTRICT_BUREAU if association.organisation.kind == K.STREET_OFFICE else K.STREET_OFFICE
    return {
        Division.Kind.COMMUNITY: K.STREET_OFFICE,
        Division.Kind.STREET: K.DISTRICT_BUREAU,
        Division.Kind.DISTRICT: K.CITY_OPERATOR,
        Division.Kind.CITY: K.CITY_OPERATOR,
    }[association.division.kind]


def decidable_by(user) -> QuerySet[Association]:
    """Associations this user may approve, refuse or revoke."""
    q = Q(pk__in=[])
    for a in approved_associations(user):
        if not a.division_id:
            continue
        kind, div = a.organisation.kind, a.division
        if kind == K.STREET_OFFICE:
            q |= Q(estate__street=div) & ~Q(organisation__kind=K.STREET_OFFICE)
            q |= Q(division__kind=Division.Kind.COMMUNITY, division__parent=div)
        elif kind == K.DISTRICT_BUREAU:
            q |= Q(division__kind=Division.Kind.STREET, division__parent=div)
            q |= Q(estate__street__parent=div, organisation__kind=K.STREET_OFFICE)
        elif kind == K.CITY_OPERATOR:
            q |= Q(division__kind=Division.Kind.DISTRICT, division__parent=div)
    return Association.objects.filter(q)


def associations_visible_to(user) -> QuerySet[Association]:
    """Their own organisations' applications, and those they decide."""
    own = (
        Q(organisation__memberships__user=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    )
    return Association.objects.filter(own | Q(pk__in=decidable_by(user).values("pk"))).distinct()


def manageable_accounts(user) -> QuerySet[User]:
    """The staff accounts ``user`` looks after (R-SEC-1): issues an enrolment code for their second
    factor, unlocks their sign-in, resets their second factor. The city operator: every staff
    account (an account with a membership). Otherwise the members of an organisation whose pending
    or approved application ``user`` decides (its approver, ``decidable_by``), and the other members
    of an organisation ``user`` administers. Never ``user`` itself."""
    if not getattr(user, "is_authenticated", False):
        return User.objects.none()
    staff = User.objects.filter(memberships__isnull=False)
    if is_city_operator(user):
        q = Q()
    else:
        decided = decidable_by(user).filter(
            status__in=[Association.Status.PENDING, Association.Status.APPROVED]
        )
        administered = Membership.objects.filter(user=user, role=Membership.Role.ADMIN).values("organisation")
        q = Q(memberships__organisation__associations__in=decided.values("pk")) | Q(
            memberships__organisation__in=administered
        )
    return User.objects.filter(pk__in=staff.filter(q).values("pk")).exclude(pk=user.pk)
