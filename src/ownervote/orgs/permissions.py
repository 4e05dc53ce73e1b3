"""Who may do what with organisations, their associations, API tokens and authorised staff
(R-ORG-1, R-ORG-2), built on ``orgs.scoping`` (who acts for which division or estate).

- Registering an account and its first application: anyone (nothing takes effect until approved).
- Applying for another estate or division for an organisation: its members (a street office or
  community committee for an estate of its own street or community, ``services.apply_association``;
  R-ORG-3, R-ORG-4).
- Deciding an application (approve, refuse, revoke): the approving body (``scoping.approver_kind``):
  the street office for conveners and community committees (also one convening an estate), the
  district bureau for street offices (also one convening an estate), the city operator for district
  bureaus.
- Seeing an application: its organisation's members and those who decide it.
- An API token: staff only (``staff.is_staff_account``: an owner has none); seen and revoked by its
  own user only.
- An organisation owner's authorised staff: the organisation's administrators.
"""

from __future__ import annotations

from . import scoping
from .models import ApiToken, Association, Membership, Organisation
from .staff import is_staff_account


def can_apply_for(user, organisation: Organisation | None) -> bool:
    return (
        organisation is not None and Membership.objects.filter(user=user, organisation=organisation).exists()
    )


def can_decide_association(user, association: Association) -> bool:
    return scoping.decidable_by(user).filter(pk=association.pk).exists()


def can_see_association(user, association: Association) -> bool:
    return scoping.associations_visible_to(user).filter(pk=association.pk).exists()


def can_hold_api_token(user) -> bool:
    """Create an API token: tokens are for staff, never for an owner's account."""
    return is_staff_account(user)


def can_use_token(user, token: ApiToken) -> bool:
    """See and revoke the token."""
    return token.user_id == getattr(user, "pk", None)


def can_authorise_staff(user, organisation: Organisation) -> bool:
    """Name, list and revoke the people who act and vote for an organisation owner (art. 31)."""
    return scoping.administered_owner_organisations(user).filter(pk=organisation.pk).exists()


def can_manage_account(user, account) -> bool:
    """Issue an enrolment code for ``account``'s second factor, unlock its sign-in, reset its second
    factor: its approver, an administrator of its organisation, the city operator; never oneself
    (``scoping.manageable_accounts``)."""
    return scoping.manageable_accounts(user).filter(pk=account.pk).exists()
