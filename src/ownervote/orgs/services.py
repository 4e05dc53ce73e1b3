"""Organisations, accounts and associations. Every function here is a complete state change:
permission check, row locks, transition check, write and audit event in one transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core import masking, pii, throttle, validators
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound, require

from . import permissions, signals
from .access import access_association, access_owner_organisation, access_staff, access_token
from .errors import Code
from .models import ApiToken, Association, AuthorisedStaff, Division, Membership, Organisation, User

if TYPE_CHECKING:
    from ownervote.roster.models import Estate

K = Organisation.Kind


def _check_target(kind: str, *, division: Division | None, estate: Estate | None) -> None:
    require(
        (division is None) != (estate is None),
        InvalidInput(Code.ASSOCIATION_TARGET, _("Choose one estate or one division.")),
    )
    if kind in Organisation.DIVISION_KIND:
        require(
            division is not None and division.kind == Organisation.DIVISION_KIND[kind],
            InvalidInput(
                Code.ASSOCIATION_TARGET_KIND,
                _("A %(org)s is associated with a %(div)s.")
                % {"org": K(kind).label, "div": Division.Kind(Organisation.DIVISION_KIND[kind]).label},
            ),
        )
    else:
        require(
            estate is not None,
            InvalidInput(Code.ASSOCIATION_TARGET_KIND, _("This organisation is associated with an estate.")),
        )


# The government bodies that may convene an estate of their own division (art. 33, 34).
DIVISION_CONVENERS = {K.STREET_OFFICE, K.COMMUNITY_COMMITTEE}


def _has_committee(estate: Estate) -> bool:
    return Association.objects.filter(
        estate=estate, status=Association.Status.APPROVED, organisation__kind=K.OWNERS_COMMITTEE
    ).exists()


def _check_division_convener(organisation: Organisation, estate: Estate) -> None:
    """A street office convenes an estate of its street (art. 33, regulation art. 28), a community
    committee one of its community (art. 34, regulation art. 124), through its approved association
    with that division; an estate whose owners' committee is approved has its convener already."""
    division_id = estate.street_id if organisation.kind == K.STREET_OFFICE else estate.community_id
    require(
        division_id is not None
        and organisation.associations.filter(
            division_id=division_id, status=Association.Status.APPROVED
        ).exists(),
        InvalidInput(
            Code.ASSOCIATION_OUTSIDE_DIVISION,
            _("A %(org)s convenes only an estate in the %(div)s it is approved for.")
            % {
                "org": K(organisation.kind).label,
                "div": Division.Kind(Organisation.DIVISION_KIND[organisation.kind]).label,
            },
        ),
    )
    require(
        not _has_committee(estate),
        Conflict(
            Code.ASSOCIATION_ESTATE_HAS_COMMITTEE,
            _("This estate has an approved owners' committee: it convenes the owners' assembly."),
        ),
    )


TOO_MANY_REGISTRATIONS = _("Too many registration attempts. Try again in %(minutes)s minutes.")


def _throttle_address(ip: str | None) -> None:
    """At most ``OWNERVOTE_REGISTER_PER_IP_PER_HOUR`` attempts from one address an hour, valid
    or not: 429 ``account.register_too_many``."""
    throttle.hit(
        scope="register-ip",
        key=ip or "unknown",
        limit=settings.OWNERVOTE_REGISTER_PER_IP_PER_HOUR,
        window_seconds=3600,
        code=Code.REGISTER_TOO_MANY,
        message=TOO_MANY_REGISTRATIONS,
    )


def _throttle_mobile(mobile: str) -> None:
    """At most ``OWNERVOTE_REGISTER_PER_MOBILE_PER_DAY`` valid registrations a day naming one
    mobile: each is answered by a text message to it."""
    throttle.hit(
        scope="register-mobile",
        key=pii.lookup("mobile", validators.normalise_mobile(mobile)),
        limit=settings.OWNERVOTE_REGISTER_PER_MOBILE_PER_DAY,
        window_seconds=86400,
        code=Code.REGISTER_TOO_MANY,
        message=TOO_MANY_REGISTRATIONS,
    )


def register_account(
    *,
    username: str,
    password: str,
    real_name: str,
    mobile: str,
    organisation_kind: str,
    organisation_name: str,
    credit_code: str = "",
    division: Division | None = None,
    estate: Estate | None = None,
    note: str = "",
    ip: str | None = None,
) -> tuple[User, Association] | None:
    """A convener (or a government body's staff) registers and applies to be associated
    with an estate or a division (R-ORG-1, art. 6). Nothing takes effect until approved.

    Whether the username is taken is never told to the caller: a taken one returns None, after the
    same work (the password hashed), and writes nothing but its audit event. Either way
    ``signals.registration_received`` is sent, and the applicant learns the outcome by a text
    message to the mobile they gave (identity connects it), so only who holds that number learns
    whether the name was free. Throttled per address and per mobile (``_throttle_*``).
    """
    _throttle_address(ip)
    require(
        organisation_kind in K.values and organisation_kind != K.CITY_OPERATOR,
        InvalidInput(Code.ACCOUNT_KIND, _("Choose the kind of your organisation.")),
    )
    require(real_name.strip(), InvalidInput(Code.ACCOUNT_REAL_NAME, _("Enter your real name.")))
    require(
        validators.is_valid_mobile(mobile),
        InvalidInput(Code.ACCOUNT_MOBILE, _("Enter a valid mainland mobile number.")),
    )
    require(
        organisation_name.strip(),
        InvalidInput(Code.ACCOUNT_ORGANISATION, _("Enter the organisation's name.")),
    )
    if credit_code:
        require(
            validators.is_valid_uscc(credit_code),
            InvalidInput(Code.ACCOUNT_CREDIT_CODE, _("The unified social credit code is not valid.")),
        )
    _check_target(organisation_kind, division=division, estate=estate)
    user = User(username=username.strip(), real_name=real_name.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(Code.ACCOUNT_PASSWORD, " ".join(exc.messages)) from exc
    _throttle_mobile(mobile)
    user.set_password(password)  # before the check: a taken name costs the same time
    with transaction.atomic():
        taken = User.objects.filter(username__iexact=user.username).exists()
        if not taken:
            try:
                with transaction.atomic():
                    pii.seal(user, "mobile", mobile)
                    user.save()
            except IntegrityError:  # registered meanwhile under the same name
                taken = True
        if taken:
            record(
                actor="anonymous",
                action="account.registration_refused",
                object_type="orgs.user",
                summary={
                    "reason": "username_taken",
                    "username": user.username,
                    "mobile": masking.mask_mobile(mobile),
                },
            )
            signals.registration_received.send(
                sender=User, username=user.username, mobile=mobile, registered=False
            )
            return None
        org = Organisation.objects.create(
            kind=organisation_kind,
            name=organisation_name.strip(),
            credit_code=validators.normalise_id_number(credit_code),
        )
        Membership.objects.create(user=user, organisation=org, role=Membership.Role.ADMIN)
        assoc = Association.objects.create(
            organisation=org, division=division, estate=estate, note=note, applied_by=user
        )
        record(
            actor=user,
            action="account.registered",
            obj=user,
            summary={"organisation": org.name, "kind": org.kind},
        )
        _record_association(user, "association.applied", assoc)
        signals.registration_received.send(
            sender=User, username=user.username, mobile=mobile, registered=True
        )
    return user, assoc


def _record_association(actor, action: str, assoc: Association, **extra) -> None:
    record(
        actor=actor,
        action=action,
        obj=assoc,
        estate_id=assoc.estate_id,
        summary={
            "organisation": assoc.organisation.name,
            "kind": assoc.organisation.kind,
            "target": str(assoc.target()),
            "status": assoc.status,
            **extra,
        },
    )


def apply_association(
    *,
    actor,
    organisation: Organisation,
    division: Division | None = None,
    estate: Estate | None = None,
    note: str = "",
) -> Association:
    """An existing organisation applies for another estate or division. A street office (community
    committee) may apply to convene an estate of its street (community), approved by its district
    bureau (street office), unless the estate has an approved owners' committee (R-ORG-3, R-ORG-4)."""
    with transaction.atomic():
        require(
            permissions.can_apply_for(actor, organisation),
            NotFound(Code.ORGANISATION_NOT_FOUND, _("Organisation not found.")),
        )
        if organisation.kind in DIVISION_CONVENERS and estate is not None and division is None:
            _check_division_convener(organisation, estate)  # R-ORG-3, R-ORG-4
        else:
            _check_target(organisation.kind, division=division, estate=estate)
        try:
            with transaction.atomic():
                assoc = Association.objects.create(
                    organisation=organisation, division=division, estate=estate, note=note, applied_by=actor
                )
        except IntegrityError as exc:
            raise Conflict(
                Code.ASSOCIATION_EXISTS,
                _("This organisation already has a pending or approved association there."),
            ) from exc
        _record_association(actor, "association.applied", assoc)
    return assoc


def decide_association(*, actor, association_id: int, decision: str, reason: str = "") -> Association:
    """Approve, refuse (with a reason) or revoke (with a reason) an association."""
    S = Association.Status
    require(
        decision in (S.APPROVED, S.REFUSED, S.REVOKED),
        InvalidInput(Code.ASSOCIATION_DECISION, _("Unknown decision.")),
    )
    if decision != S.APPROVED:
        require(
            reason.strip(),
            InvalidInput(Code.ASSOCIATION_REASON_REQUIRED, _("Give the reason for the decision.")),
        )
    with transaction.atomic():
        assoc = access_association(actor, association_id, lock=True)
        require(
            decision in Association.TRANSITIONS[S(assoc.status)],
            Conflict(
                Code.ASSOCIATION_TRANSITION,
                _("This application is %(status)s and cannot be changed that way.")
                % {"status": S(assoc.status).label},
            ),
        )
        if decision == S.APPROVED and assoc.estate_id and assoc.organisation.kind in DIVISION_CONVENERS:
            _check_division_convener(assoc.organisation, assoc.estate)  # still so when decided
        before = assoc.status
        assoc.status = decision
        assoc.reason = reason.strip()
        assoc.decided_by = actor
        assoc.decided_at = timezone.now()
        assoc.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        _record_association(actor, f"association.{decision}", assoc, before=before, reason=assoc.reason)
        if decision == S.APPROVED and assoc.estate_id and assoc.organisation.kind == K.OWNERS_COMMITTEE:
            _hand_over(actor, assoc)
    return assoc


def _hand_over(actor, committee: Association) -> list[Association]:
    """The owners' committee approved for an estate convenes it from now on: the street office's or
    community committee's convener association there ends as ``handed_over``, its row kept as the
    history of who convened (R-ORG-3, R-ORG-4). ``signals.convener_handed_over`` lets ``results``
    refuse it while one of their meetings there is unfinished and tell their staff."""
    ended = list(
        Association.objects.select_for_update(of=("self",))
        .filter(
            estate_id=committee.estate_id,
            status=Association.Status.APPROVED,
            organisation__kind__in=DIVISION_CONVENERS,
        )
        .select_related("organisation", "estate")
        .order_by("pk")
    )
    if not ended:
        return []
    now = timezone.now()
    for assoc in ended:
        assoc.status = Association.Status.HANDED_OVER
        assoc.reason = _("Handed over to %(org)s.") % {"org": committee.organisation.name}
        assoc.decided_by = actor
        assoc.decided_at = now
        assoc.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        _record_association(
            actor,
            "association.handed_over",
            assoc,
            before=Association.Status.APPROVED,
            committee=committee.organisation.name,
        )
    signals.convener_handed_over.send(
        sender=Association, estate=committee.estate, ended=ended, committee=committee, actor=actor
    )
    return ended


def second_factor_passed(*, actor, device, enrolling: bool) -> None:
    """A right code from the actor's TOTP ``device`` (checked by django-otp): a device being enrolled
    is confirmed; either way the check is recorded."""
    with transaction.atomic():
        if enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            record(actor=actor, action="2fa.enrolled", obj=device, summary={"device": device.name})
        else:
            record(actor=actor, action="2fa.verified", obj=device, summary={"device": device.name})


def _passed_second_factor(actor) -> bool:
    """Whether the actor's session passed the TOTP check (django-otp's ``is_verified``); a request
    authenticated by an API token has none."""
    is_verified = getattr(actor, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False


def create_api_token(*, actor, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the key, which is shown once and never stored. Where staff must pass
    a second factor (``OWNERVOTE_REQUIRE_2FA_KINDS``), only from a session that passed it: a token
    skips the check, so it must never be had with a password alone (R-SEC-1). Staff only
    (403 ``account.staff_only`` for an owner's account)."""
    require(
        permissions.can_hold_api_token(actor),
        Forbidden(Code.STAFF_ONLY, _("API tokens are for the staff of an organisation; owners have none.")),
    )
    require(name.strip(), InvalidInput(Code.TOKEN_NAME, _("Name the token.")))
    require(
        not settings.OWNERVOTE_REQUIRE_2FA_KINDS or _passed_second_factor(actor),
        Forbidden(
            Code.TOKEN_NEEDS_SECOND_FACTOR,
            _("API tokens are created only after two-step verification in this session."),
        ),
    )
    key = "ov_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name.strip(), prefix=key[3:11], key_hash=ApiToken.hash_key(key)
        )
        record(
            actor=actor,
            action="token.created",
            obj=token,
            summary={"name": token.name, "prefix": token.prefix},
        )
    return token, key


def revoke_api_token(*, actor, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = access_token(actor, token_id, lock=True)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor=actor, action="token.revoked", obj=token, summary={"prefix": token.prefix})
    return token


def authorise_staff(
    *,
    actor,
    organisation_id: int,
    name: str,
    id_number: str,
    mobile: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
) -> AuthorisedStaff:
    """An organisation owner names a person who may act and vote for it (R-ORG-2, art. 31)."""
    require(name.strip(), InvalidInput(Code.STAFF_NAME, _("Enter the person's name.")))
    require(
        validators.is_valid_resident_id(id_number),
        InvalidInput(Code.STAFF_ID_NUMBER, _("The ID number is not valid.")),
    )
    require(
        validators.is_valid_mobile(mobile),
        InvalidInput(Code.STAFF_MOBILE, _("Enter a valid mainland mobile number.")),
    )
    require(
        valid_until is None or valid_until >= valid_from,
        InvalidInput(Code.STAFF_TERM, _("The end of the authorisation is before its start.")),
    )
    with transaction.atomic():
        org = access_owner_organisation(actor, organisation_id)
        staff = AuthorisedStaff(
            organisation=org, valid_from=valid_from, valid_until=valid_until, authorised_by=actor
        )
        pii.seal(staff, "name", name)
        pii.seal(staff, "id_number", id_number)
        pii.seal(staff, "mobile", mobile)
        require(
            not org.authorised_staff.filter(
                id_number_hash=staff.id_number_hash, revoked_at__isnull=True
            ).exists(),
            Conflict(Code.STAFF_EXISTS, _("This person is already authorised.")),
        )
        staff.save()
        record(
            actor=actor,
            action="staff.authorised",
            obj=staff,
            summary={
                "organisation": org.name,
                "name": staff.name_masked,
                "valid_from": valid_from,
                "valid_until": valid_until,
            },
        )
    return staff


def revoke_staff(*, actor, organisation_id: int, staff_id: int) -> AuthorisedStaff:
    with transaction.atomic():
        staff = access_staff(actor, organisation_id, staff_id, lock=True)
        org = staff.organisation
        staff.revoked_at = timezone.now()
        staff.save(update_fields=["revoked_at"])
        record(
            actor=actor,
            action="staff.revoked",
            obj=staff,
            summary={"organisation": org.name, "name": staff.name_masked},
        )
    return staff
