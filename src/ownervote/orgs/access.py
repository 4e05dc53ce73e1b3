"""Reaching an organisation's objects (``core.access``): an application to decide, an organisation
owner to administer, an API token, an authorised person. Not found and not visible are the same
``NotFound``; an application the actor sees but does not decide is ``Forbidden``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ownervote.core.access import fetch, reach
from ownervote.core.errors import Forbidden, NotFound

from . import scoping
from .errors import Code
from .models import ApiToken, Association, AuthorisedStaff, Organisation, User


def access_association(actor, association_id, *, lock: bool = False) -> Association:
    """An application the actor decides (approve, refuse, revoke); locked for update with ``lock``."""
    decidable = scoping.decidable_by(actor)
    if lock:
        # of=("self",): PostgreSQL cannot lock the nullable side of the scoping query's joins.
        decidable = decidable.select_for_update(of=("self",))
    assoc = fetch(decidable, association_id)
    if assoc is None:
        if scoping.associations_visible_to(actor).filter(pk=association_id).exists():
            raise Forbidden(Code.ASSOCIATION_FORBIDDEN, _("You may not decide this application."))
        raise NotFound(Code.ASSOCIATION_NOT_FOUND, _("Application not found."))
    return assoc


def access_owner_organisation(actor, organisation_id) -> Organisation:
    """An organisation owner the actor administers: whose staff it authorises (R-ORG-2)."""
    return reach(
        scoping.administered_owner_organisations(actor),
        organisation_id,
        lock=False,
        sees=lambda _org: True,  # the queryset holds only what the actor administers
        may=lambda _org: True,
        missing=NotFound(Code.ORGANISATION_NOT_FOUND, _("Organisation not found.")),
        refused=None,
    )


def access_token(actor, token_id, *, lock: bool = False) -> ApiToken:
    """One of the actor's own API tokens that still works."""
    token = fetch(ApiToken.objects.filter(user=actor, revoked_at__isnull=True), token_id, lock=lock)
    if token is None:
        raise NotFound(Code.TOKEN_NOT_FOUND, _("Token not found."))
    return token


def access_staff(actor, organisation_id, staff_id, *, lock: bool = False) -> AuthorisedStaff:
    """A person still authorised by an organisation owner the actor administers."""
    org = access_owner_organisation(actor, organisation_id)
    staff = fetch(org.authorised_staff.filter(revoked_at__isnull=True), staff_id, lock=lock)
    if staff is None:
        raise NotFound(Code.STAFF_NOT_FOUND, _("Authorised person not found."))
    staff.organisation = org
    return staff


def access_account(actor, user_id, *, lock: bool = False) -> User:
    """A staff account the actor manages (``scoping.manageable_accounts``); any other is not found."""
    account = fetch(scoping.manageable_accounts(actor), user_id, lock=False)
    if account is None:
        raise NotFound(Code.ACCOUNT_NOT_FOUND, _("Account not found."))
    if lock:
        # Locked by key: the scoping query joins memberships, which cannot be locked with it.
        account = User.objects.select_for_update().get(pk=account.pk)
    return account
