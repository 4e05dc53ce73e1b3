"""/api/orgs/: geography, registration, association approvals (R-ORG-1), API tokens and the
staff an organisation owner authorises to vote for it (R-ORG-2).

Each endpoint parses input, calls one service or scoping query and returns a schema; the
services hold every rule and permission check."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja import Query, Router, Schema
from ninja.responses import Status

from ownervote.core.clientip import client_ip
from ownervote.core.errors import NotFound
from ownervote.core.schemas import ERRORS, Id
from ownervote.orgs import scoping, security, services
from ownervote.orgs.access import access_owner_organisation
from ownervote.orgs.errors import Code
from ownervote.orgs.models import ApiToken, Association, AuthorisedStaff, Division, Organisation
from ownervote.orgs.schemas import (
    ASSOCIATION_RELATED,
    AccountOut,
    ApplyIn,
    AssociationDecisionIn,
    AssociationOut,
    DivisionOut,
    EnrolmentCodeOut,
    EstateRef,
    NewTokenOut,
    RegisterIn,
    RegistrationReceivedOut,
    ResetSecondFactorIn,
    StaffIn,
    StaffOut,
    TokenIn,
    TokenOut,
    UnlockedOut,
)
from ownervote.roster.models import Estate

from .forms import received_message

router = Router(tags=["organisations"])


def _pick(model, pk: int | None):
    """The row with this id, or None (the service then refuses the missing target)."""
    return model.objects.filter(pk=pk).first() if pk is not None else None


def _association(assoc: Association) -> Association:
    return Association.objects.select_related(*ASSOCIATION_RELATED).get(pk=assoc.pk)


# --- geography (public: registration needs it) -------------------------------------------


class DivisionFilter(Schema):
    kind: Division.Kind | None = None
    parent: int | None = None


@router.get("/divisions", auth=None, response={200: list[DivisionOut], **ERRORS}, summary="List divisions")
def list_divisions(request, filters: Query[DivisionFilter]):
    """Shenzhen's districts, streets and communities (public geography), filtered by `kind`
    and/or `parent` id. Registration uses it to choose the division or estate to apply for."""
    qs = Division.objects.all()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    return qs


@router.get(
    "/divisions/{division_id}/estates",
    auth=None,
    response={200: list[EstateRef], **ERRORS},
    summary="List the estates of a street or community",
)
def list_division_estates(request, division_id: Id):
    """Estate names and addresses in one street or community (public), for choosing the estate
    a convener applies for."""
    division = Division.objects.filter(pk=division_id).first()
    if division is None:
        raise NotFound(Code.DIVISION_NOT_FOUND, _("Division not found."))
    return Estate.objects.filter(Q(street__path__startswith=division.path) | Q(community=division))


# --- registration and associations (R-ORG-1) ------------------------------------------------


@router.post(
    "/register",
    auth=None,
    response={202: RegistrationReceivedOut, **ERRORS},
    summary="Register an account",
)
def register(request, body: RegisterIn):
    """Register an account and its organisation, and apply to be associated with an estate
    (conveners, organisation owners) or a division (government bodies). Nothing takes effect
    until the street office (or, for a street office, the district bureau) approves (R-ORG-1).

    The answer is 202 and the same whether or not the username is free (nobody learns which
    usernames exist by trying them): the outcome goes to the mobile by SMS. Sign in afterwards
    with the username and password. At most a few attempts an hour from one address and a day
    for one mobile: 429 ``account.register_too_many``."""
    data = body.dict(exclude={"division_id", "estate_id"})
    services.register_account(
        **data,
        division=_pick(Division, body.division_id),
        estate=_pick(Estate, body.estate_id),
        ip=client_ip(request),
    )
    return Status(202, {"received": True, "message": str(received_message(body.mobile))})


@router.get("/associations", response={200: list[AssociationOut], **ERRORS}, summary="List associations")
def list_associations(request):
    """The applications of the caller's organisations, and those the caller decides."""
    return scoping.associations_visible_to(request.auth).select_related(*ASSOCIATION_RELATED)


@router.post("/associations", response={201: AssociationOut, **ERRORS}, summary="Apply for an association")
def apply_association(request, body: ApplyIn):
    """One of the caller's organisations applies to act for another estate or division."""
    assoc = services.apply_association(
        actor=request.auth,
        organisation=_pick(Organisation, body.organisation_id),
        division=_pick(Division, body.division_id),
        estate=_pick(Estate, body.estate_id),
        note=body.note,
    )
    return Status(201, _association(assoc))


@router.post(
    "/associations/{association_id}/decision",
    response={200: AssociationOut, **ERRORS},
    summary="Approve, refuse or revoke an association",
)
def decide_association(request, association_id: Id, body: AssociationDecisionIn):
    """The approving body decides: street offices for conveners and community committees,
    district bureaus for street offices (art. 4, 5). Refusing and revoking need a reason."""
    assoc = services.decide_association(
        actor=request.auth, association_id=association_id, decision=body.decision, reason=body.reason
    )
    return _association(assoc)


# --- API tokens -----------------------------------------------------------------------------


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="List my API tokens")
def list_tokens(request):
    """The caller's own tokens (keys are never shown again)."""
    return ApiToken.objects.filter(user=request.auth).order_by("-created_at")


@router.post("/tokens", response={201: NewTokenOut, **ERRORS}, summary="Create an API token")
def create_token(request, body: TokenIn):
    """A bearer token for a client other than the browser. The key is in this response only."""
    token, key = services.create_api_token(actor=request.auth, name=body.name)
    return Status(201, NewTokenOut(**TokenOut.from_orm(token).dict(), key=key))


@router.delete("/tokens/{token_id}", response={200: TokenOut, **ERRORS}, summary="Revoke an API token")
def revoke_token(request, token_id: Id):
    """The token stops working at once (401 `auth.required`)."""
    return services.revoke_api_token(actor=request.auth, token_id=token_id)


# --- account security (R-SEC-1) ----------------------------------------------------------------


@router.get("/accounts", response={200: list[AccountOut], **ERRORS}, summary="Accounts I look after")
def list_accounts(request):
    """The staff accounts the caller approved, administers or (the city operator) all of them."""
    accounts = scoping.manageable_accounts(request.auth).order_by("username")[:500]
    enrolled = set(
        TOTPDevice.objects.filter(user__in=accounts, confirmed=True).values_list("user_id", flat=True)
    )
    return [
        AccountOut(id=a.pk, username=a.username, real_name=a.real_name, second_factor=a.pk in enrolled)
        for a in accounts
    ]


def _code_out(row, code: str) -> EnrolmentCodeOut:
    return EnrolmentCodeOut(account_id=row.user_id, code=code, expires_at=row.expires_at)


@router.post(
    "/accounts/{account_id}/enrolment-code",
    response={201: EnrolmentCodeOut, **ERRORS},
    summary="Issue an enrolment code",
)
def issue_enrolment_code(request, account_id: Id):
    """A one-time code that lets the account set up its second factor; in this response only."""
    return Status(201, _code_out(*security.issue_enrolment_code(actor=request.auth, user_id=account_id)))


@router.post(
    "/accounts/{account_id}/reset-second-factor",
    response={201: EnrolmentCodeOut, **ERRORS},
    summary="Reset a lost second factor",
)
def reset_second_factor(request, account_id: Id, body: ResetSecondFactorIn):
    """Removes the account's TOTP devices; the new enrolment code is in this response only."""
    done = security.reset_second_factor(actor=request.auth, user_id=account_id, reason=body.reason)
    return Status(201, _code_out(*done))


@router.post("/accounts/{account_id}/unlock", response={200: UnlockedOut, **ERRORS}, summary="Lift a lockout")
def unlock_account(request, account_id: Id):
    """Ends the account's sign-in lockout (too many wrong passwords) at once."""
    cleared = security.unlock_sign_in(actor=request.auth, user_id=account_id)
    return UnlockedOut(account_id=account_id, cleared=cleared)


# --- organisation owners' authorised staff (R-ORG-2) ----------------------------------------


def _owner_organisation_staff(user, organisation_id: Id) -> QuerySet[AuthorisedStaff]:
    """The authorised staff of an organisation owner the user administers (404 otherwise,
    as in the console and the services)."""
    return access_owner_organisation(user, organisation_id).authorised_staff.all()


@router.get(
    "/{organisation_id}/staff", response={200: list[StaffOut], **ERRORS}, summary="List authorised staff"
)
def list_staff(request, organisation_id: Id):
    """The people an organisation owner (government body or company owning flats) has
    authorised to act and vote for it, masked (R-ORG-2, art. 31). Administrators only."""
    return _owner_organisation_staff(request.auth, organisation_id)


@router.post("/{organisation_id}/staff", response={201: StaffOut, **ERRORS}, summary="Authorise a person")
def authorise_staff(request, organisation_id: Id, body: StaffIn):
    """An administrator of the organisation owner names a person who may vote for it."""
    staff = services.authorise_staff(actor=request.auth, organisation_id=organisation_id, **body.dict())
    return Status(201, staff)


@router.delete(
    "/{organisation_id}/staff/{staff_id}",
    response={200: StaffOut, **ERRORS},
    summary="Revoke an authorisation",
)
def revoke_staff(request, organisation_id: Id, staff_id: Id):
    """The person may no longer act for the organisation."""
    return services.revoke_staff(actor=request.auth, organisation_id=organisation_id, staff_id=staff_id)
