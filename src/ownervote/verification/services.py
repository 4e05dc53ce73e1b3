"""Identity verification (art. 9): self-service with face recognition and an SMS code (R-ID-1),
on site by the convener (R-ID-2), and the methods the city operator offers (R-ID-3).

Each function is keyword-only and runs its change in one transaction with its audit event.
Personal data is sealed (encrypted, masked, keyed hash) and never written to the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core import files, pii, validators
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError, require
from ownervote.core.files import Upload
from ownervote.core.files import read as read_file
from ownervote.core.files import store as store_file
from ownervote.core.models import StoredFile
from ownervote.identity.accounts import find_by_mobile, owner_account_for_mobile
from ownervote.identity.services import sms_code_check, sms_code_request
from ownervote.notify import sms_titles
from ownervote.notify.services import notify
from ownervote.orgs import scoping
from ownervote.roster.models import Estate, Flat, Owner, Ownership

from . import selectors
from .access import Need, access_methods, access_onsite_estate, access_verification
from .consent import require_face_consent
from .errors import Code
from .face import FaceProvider, FaceStart, get_provider
from .models import Method, MethodNotice, Verification, VerifiedIdentity
from .signals import identity_in_use, verified_on_site

# A self-service attempt not finished within this time expires (R-ID-1).
ATTEMPT_TTL = dt.timedelta(minutes=30)
# On-site photos (R-ID-2): decoded with Pillow; these formats only.
MIME_TYPES = tuple(content_type for content_type, _ext in files.PHOTO_FORMATS.values())
PHOTO_KINDS = ("id", "holding")
SYSTEM = "system: verification expiry"
NAME_MAX = 50


# --- shared checks ----------------------------------------------------------------------------------


def _transition(v: Verification, to: str) -> None:
    require(
        to in Verification.TRANSITIONS[Verification.Status(v.status)],
        Conflict(Code.STATE, _("This verification has already ended.")),
    )
    v.status = to


def _require_method(method: str) -> None:
    if not selectors.method_enabled(method):
        if method == Method.SELF_SERVICE:
            message = _(
                "Self-service verification is not offered at present. Please ask your convener to "
                "verify you on site."
            )
        else:
            message = _("On-site verification is not offered at present.")
        raise Conflict(Code.METHOD_DISABLED, message)


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    require(name, InvalidInput(Code.NAME_REQUIRED, _("Enter the name as on the ID card.")))
    require(len(name) <= NAME_MAX, InvalidInput(Code.NAME_TOO_LONG, _("The name is too long.")))
    return name


def _clean_id_number(id_number: str) -> str:
    id_number = validators.normalise_id_number(id_number)
    require(id_number, InvalidInput(Code.ID_REQUIRED, _("Enter the ID card number.")))
    require(
        validators.is_valid_resident_id(id_number),
        InvalidInput(
            Code.ID_INVALID,
            _("The ID card number is not valid: check the 18 characters, the last may be X."),
        ),
    )
    return id_number


def _clean_mobile(mobile: str) -> str:
    mobile = validators.normalise_mobile(mobile)
    require(mobile, InvalidInput(Code.MOBILE_REQUIRED, _("Enter the mobile number.")))
    require(
        validators.is_valid_mobile(mobile),
        InvalidInput(Code.MOBILE_INVALID, _("Enter a mainland China mobile number of 11 digits.")),
    )
    return mobile


def _require_signed_in(actor) -> None:
    require(getattr(actor, "is_authenticated", False), Forbidden(Code.AUTH_REQUIRED, _("Sign in first.")))


def _check_mobile_for(actor, mobile: str) -> None:
    """An account with a mobile verifies with that mobile; an account without one (signed in with
    WeChat) may take a number no other account holds."""
    if actor.mobile_hash:
        require(
            actor.mobile_hash == pii.lookup("mobile", mobile),
            InvalidInput(
                Code.MOBILE_MISMATCH,
                _("Enter the mobile number of your account (%(masked)s).") % {"masked": actor.mobile_masked},
            ),
        )
        return
    other = find_by_mobile(mobile)
    require(
        other is None or other.pk == actor.pk,
        Conflict(
            Code.MOBILE_TAKEN,
            _("This mobile number belongs to another account. Sign in with it by SMS code instead."),
        ),
    )


def _identity_in_use(user) -> bool:
    """Whether anything relies on the person ``user`` is verified to be (bindings: flats bound as
    that person), so that it may not be replaced by somebody else's: asked of the apps above
    through ``signals.identity_in_use``."""
    return any(answer for _receiver, answer in identity_in_use.send(sender=VerifiedIdentity, user=user))


def _check_same_person(user, id_hash: str, *, on_site: bool = False) -> None:
    """An account bound to flats as one person cannot be re-verified as somebody else: the flats
    would stay bound to the wrong person."""
    identity = VerifiedIdentity.objects.filter(user=user).first()
    if identity is None or identity.id_number_hash == id_hash or not _identity_in_use(user):
        return
    if on_site:
        message = _(
            "The account of this mobile number has flats bound as another person. Enter the owner's "
            "own mobile number."
        )
    else:
        message = _(
            "This account has flats bound as another person. End those bindings before verifying "
            "as a different person."
        )
    raise Conflict(Code.OTHER_PERSON, message)


def _seal_person(v: Verification, *, name: str, id_number: str, mobile: str) -> None:
    pii.seal(v, "name", name)
    pii.seal(v, "id_number", id_number)
    pii.seal(v, "mobile", mobile)


def _set_identity(v: Verification, *, now) -> str:
    """Create or replace the user's VerifiedIdentity from a passed verification (copying the sealed
    columns: no plaintext needed). Returns "created" or "replaced"."""
    identity = VerifiedIdentity.objects.select_for_update().filter(user=v.user).first()
    outcome = "replaced" if identity is not None else "created"
    identity = identity or VerifiedIdentity(user=v.user)
    for attr in ("name", "id_number"):
        for suffix in ("enc", "masked", "hash"):
            setattr(identity, f"{attr}_{suffix}", getattr(v, f"{attr}_{suffix}"))
    identity.method = v.method
    identity.verification = v
    identity.verified_at = now
    identity.save()
    return outcome


# --- self-service (R-ID-1, art. 9(1)) -----------------------------------------------------------------


def send_verify_code(*, actor, mobile: str, ip: str | None = None):
    """Send the SMS code of a self-service verification to ``mobile`` (the account's own number,
    or a free number for an account without one)."""
    _require_signed_in(actor)
    _require_method(Method.SELF_SERVICE)
    mobile = _clean_mobile(mobile)
    _check_mobile_for(actor, mobile)
    return sms_code_request(mobile=mobile, purpose="verify", ip=ip)


def self_service_start(
    *,
    actor,
    name: str,
    id_number: str,
    mobile: str,
    code: str,
    return_url: str,
    provider: FaceProvider | None = None,
    device_hash: str = "",
    client_ip: str | None = None,
) -> tuple[Verification, FaceStart]:
    """Check the SMS code and start face recognition: a ``started`` verification with the personal
    data sealed, and where to send the browser. ``return_url`` is our callback
    (``verification:face_callback``), absolute. ``device_hash`` and ``client_ip``: where the
    owner started it (``core.devices.traces``, R-TRUST-1)."""
    _require_signed_in(actor)
    _require_method(Method.SELF_SERVICE)
    consent = require_face_consent(actor)  # R-SEC-7: the face step starts only under consent
    name = _clean_name(name)
    id_number = _clean_id_number(id_number)
    mobile = _clean_mobile(mobile)
    code = (code or "").strip()
    require(code, InvalidInput(Code.CODE_REQUIRED, _("Enter the SMS code.")))
    _check_mobile_for(actor, mobile)
    _check_same_person(actor, pii.lookup("id_number", id_number))
    provider = provider or get_provider()
    require(
        provider.is_configured(),
        ServiceError(
            Code.FACE_UNAVAILABLE,
            _("Face recognition is not available at present. Try again later."),
            status=503,
        ),
    )

    # The code check is its own transaction: a wrong code counts towards the lock even though
    # nothing here is created.
    sms_code_check(mobile=mobile, purpose="verify", code=code)

    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        if not user.mobile_hash:
            _check_mobile_for(user, mobile)
            pii.seal(user, "mobile", mobile)
            user.save(update_fields=["mobile_enc", "mobile_masked", "mobile_hash"])
            actor.mobile_enc, actor.mobile_masked, actor.mobile_hash = (
                user.mobile_enc,
                user.mobile_masked,
                user.mobile_hash,
            )
            record(actor=actor, action="account.mobile_set", obj=user, summary={"via": "verification"})
        v = Verification(
            user=user,
            method=Method.SELF_SERVICE,
            status=Verification.Status.STARTED,
            device_hash=device_hash,
            client_ip=client_ip,
            face_consent=consent,
        )
        _seal_person(v, name=name, id_number=id_number, mobile=mobile)
        v.provider = provider.name
        v.save()

    # The provider is called outside any transaction: its answer may take up to its timeout and
    # retries (seconds), and no row may stay locked meanwhile. Nobody can reach the attempt before
    # it has its reference: the browser goes to the provider only after this returns.
    try:
        start = provider.start(verification=v, name=name, id_number=id_number, return_url=return_url)
    except ServiceError:
        with transaction.atomic():
            _transition(v, Verification.Status.FAILED)
            v.finished_at = timezone.now()
            v.failure_reason = "provider_unavailable"
            v.save(update_fields=["status", "finished_at", "failure_reason"])
            record(
                actor=actor,
                action="verification.failed",
                obj=v,
                summary={"method": v.method, "provider": provider.name, "reason": v.failure_reason},
            )
        raise
    with transaction.atomic():
        v.provider_ref = start.provider_ref
        v.save(update_fields=["provider_ref"])
        record(
            actor=actor,
            action="verification.started",
            obj=v,
            summary={"method": v.method, "provider": provider.name},
        )
    return v, start


def face_callback(*, params, provider: FaceProvider | None = None, actor=None) -> Verification:
    """A callback from the face provider (the browser's redirect or the provider's server notify).

    Refused, changing nothing, when forged (signature), replayed (nonce seen), stale (timestamp)
    or naming no attempt of ours. Otherwise the result is asked from the provider, server to
    server, and only that answer counts: passed (the VerifiedIdentity is created or replaced) or
    failed. A callback for an attempt already decided changes nothing; one for an attempt older
    than 30 minutes expires it."""
    provider = provider or get_provider()
    label = actor if getattr(actor, "is_authenticated", False) else f"face provider: {provider.name}"
    with transaction.atomic():
        callback = provider.verify_callback(params)
        v = (
            Verification.objects.select_for_update()
            .filter(method=Method.SELF_SERVICE, provider=provider.name, provider_ref=callback.provider_ref)
            .first()
        )
        if v is None:
            raise NotFound(Code.FACE_UNKNOWN_REF, _("This face verification session does not exist."))
        if v.status != Verification.Status.STARTED:
            return v  # the browser and the provider's notify both arrive: the first decides
        now = timezone.now()
        if now - v.started_at > ATTEMPT_TTL:
            _expire(v, now=now, actor=label)
            return v
        result = provider.query_result(v.provider_ref)
        v.provider_result = {"passed": result.passed, "score": result.score, "reason": result.reason}
        v.finished_at = now
        summary = {"method": v.method, "provider": provider.name}
        if (
            result.passed
            and VerifiedIdentity.objects.filter(user=v.user).exclude(id_number_hash=v.id_number_hash).exists()
            and _identity_in_use(v.user)
        ):
            # Bound as somebody else since the attempt started: refuse rather than rebind.
            _transition(v, Verification.Status.FAILED)
            v.failure_reason = "bound_as_another_person"
        elif result.passed:
            _transition(v, Verification.Status.PASSED)
        else:
            _transition(v, Verification.Status.FAILED)
            v.failure_reason = (result.reason or "face_not_recognised")[:200]
        v.save(update_fields=["status", "provider_result", "finished_at", "failure_reason"])
        if v.status == Verification.Status.PASSED:
            summary["identity"] = _set_identity(v, now=now)
            record(actor=label, action="verification.passed", obj=v, summary=summary)
        else:
            summary["reason"] = v.failure_reason
            record(actor=label, action="verification.failed", obj=v, summary=summary)
    return v


def _expire(v: Verification, *, now, actor) -> None:
    _transition(v, Verification.Status.EXPIRED)
    v.finished_at = now
    v.failure_reason = "expired"
    v.save(update_fields=["status", "finished_at", "failure_reason"])
    record(actor=actor, action="verification.expired", obj=v, summary={"method": v.method})


def expire_stale(*, user=None, now: dt.datetime | None = None) -> int:
    """Expire self-service attempts started more than 30 minutes before ``now`` (of ``user`` only,
    when given). Returns how many expired."""
    now = now or timezone.now()
    expired = 0
    with transaction.atomic():
        stale = Verification.objects.select_for_update().filter(
            method=Method.SELF_SERVICE, status=Verification.Status.STARTED, started_at__lt=now - ATTEMPT_TTL
        )
        if user is not None:
            stale = stale.filter(user=user)
        for v in stale.order_by("pk"):
            _expire(v, now=now, actor=SYSTEM)
            expired += 1
    return expired


# --- on site (R-ID-2, art. 9(2)) ----------------------------------------------------------------------


def check_photo(upload: Upload | None, *, which: str) -> Upload:
    """The photo decoded with Pillow: JPEG, PNG or WebP, at most OWNERVOTE_MAX_PHOTO_BYTES.
    Returns the upload under a neutral name with the content type of what it really is."""
    label = (
        _("The photo of the ID card") if which == "id" else _("The photo of the owner holding the ID card")
    )
    details = {"field": f"{which}_photo"}
    require(
        upload is not None and upload.content,
        InvalidInput(Code.PHOTO_REQUIRED, _("%(photo)s is required.") % {"photo": label}, details=details),
    )
    limit = settings.OWNERVOTE_MAX_PHOTO_BYTES
    require(
        len(upload.content) <= limit,
        InvalidInput(
            Code.PHOTO_TOO_LARGE,
            _("%(photo)s is larger than %(mb)s MB. Take it again at a lower resolution.")
            % {"photo": label, "mb": f"{limit / 2**20:g}"},
            details=details,
        ),
    )
    not_image = InvalidInput(
        Code.PHOTO_NOT_IMAGE,
        _("%(photo)s is not a photo: upload a JPEG, PNG or WebP image.") % {"photo": label},
        details=details,
    )
    content_type, ext = files.photo_type(upload.content, not_image=not_image)
    name = "id-photo" if which == "id" else "holding-photo"
    return Upload(name=f"{name}.{ext}", content=upload.content, content_type=content_type)


def _roster_owner(flat: Flat, *, name: str, id_number: str) -> Owner:
    """The flat's current owner with this ID number, per the roster, whose name matches."""
    ownership = (
        Ownership.objects.filter(
            flat=flat,
            ended_at__isnull=True,
            owner__kind=Owner.Kind.PERSON,
            owner__id_number_hash=pii.lookup("id_number", id_number),
        )
        .select_related("owner")
        .first()
    )
    require(
        ownership is not None,
        InvalidInput(
            Code.NOT_OWNER,
            _("According to the roster this person is not an owner of %(flat)s.") % {"flat": flat},
        ),
    )
    require(
        ownership.owner.name_hash == pii.lookup("name", name),
        InvalidInput(
            Code.NAME_MISMATCH,
            _("The name does not match the roster's owner of %(flat)s with this ID number.") % {"flat": flat},
        ),
    )
    return ownership.owner


@dataclass(frozen=True)
class _OnsiteFacts:
    """What the convener entered for an on-site verification, checked against the roster."""

    name: str
    id_number: str
    mobile: str
    note: str
    photos: dict[str, Upload]
    flat: Flat
    owner: Owner


def _onsite_facts(
    *,
    estate: Estate,
    flat_id: int,
    name: str,
    id_number: str,
    mobile: str,
    ownership_proof_checked: bool,
    id_document_checked: bool,
    id_photo: Upload | None,
    holding_photo: Upload | None,
    note: str,
) -> _OnsiteFacts:
    """Both originals checked, the person's details valid, both photos images, and the person an
    owner of the flat in the estate's roster (R-ID-2); nothing is written."""
    require(
        ownership_proof_checked and id_document_checked,
        InvalidInput(
            Code.CHECKS_REQUIRED,
            _("Check the original proof of ownership and the original ID card, and tick both boxes."),
        ),
    )
    name = _clean_name(name)
    id_number = _clean_id_number(id_number)
    mobile = _clean_mobile(mobile)
    note = (note or "").strip()
    photos = {"id": check_photo(id_photo, which="id"), "holding": check_photo(holding_photo, which="holding")}
    flat = (
        Flat.objects.filter(pk=flat_id, estate=estate, removed_at__isnull=True)
        .select_related("building")
        .first()
    )
    require(
        flat is not None,
        InvalidInput(Code.FLAT_UNKNOWN, _("This flat is not in the estate's roster.")),
    )
    owner = _roster_owner(flat, name=name, id_number=id_number)
    return _OnsiteFacts(
        name=name, id_number=id_number, mobile=mobile, note=note, photos=photos, flat=flat, owner=owner
    )


def onsite_verify(
    *,
    actor,
    estate_id: int,
    flat_id: int,
    name: str,
    id_number: str,
    mobile: str,
    ownership_proof_checked: bool,
    id_document_checked: bool,
    id_photo: Upload | None,
    holding_photo: Upload | None,
    note: str = "",
    device_hash: str = "",
    client_ip: str | None = None,
) -> Verification:
    """The convener has checked the ownership proof and the ID in person and photographed them
    (art. 9(2)): a passed on-site verification under the convener's real name (the convener is
    accountable for it), the person's VerifiedIdentity, the flat bound (by ``bindings``, through
    ``signals.verified_on_site``, in this transaction), the owner notified. ``device_hash`` and
    ``client_ip`` are the convener's (``core.devices.traces``, R-TRUST-1)."""
    # 404 for an estate not seen; 403 for its street office and other staff who see it.
    estate = access_onsite_estate(actor, estate_id, need=Need.VERIFY)
    organisation = scoping.roster_keepers(actor, estate)[0]
    _require_method(Method.ON_SITE)
    facts = _onsite_facts(
        estate=estate,
        flat_id=flat_id,
        name=name,
        id_number=id_number,
        mobile=mobile,
        ownership_proof_checked=ownership_proof_checked,
        id_document_checked=id_document_checked,
        id_photo=id_photo,
        holding_photo=holding_photo,
        note=note,
    )
    flat = facts.flat
    now = timezone.now()
    with transaction.atomic():
        user = owner_account_for_mobile(facts.mobile)
        _check_same_person(user, facts.owner.id_number_hash, on_site=True)
        stored = {which: store_file(upload, uploaded_by=actor) for which, upload in facts.photos.items()}
        v = Verification(
            user=user,
            method=Method.ON_SITE,
            status=Verification.Status.PASSED,
            estate=estate,
            flat=flat,
            checked_by=actor,
            checker_real_name=actor.display_name(),
            checker_organisation=organisation,
            ownership_proof_checked=True,
            id_document_checked=True,
            id_photo=stored["id"],
            holding_photo=stored["holding"],
            note=facts.note,
            finished_at=now,
            device_hash=device_hash,
            client_ip=client_ip,
        )
        _seal_person(v, name=facts.name, id_number=facts.id_number, mobile=facts.mobile)
        v.save()
        identity = _set_identity(v, now=now)
        record(
            actor=actor,
            action="verification.on_site",
            obj=v,
            estate_id=estate.pk,
            summary={
                "flat": str(flat),
                "owner": facts.owner.pk,
                "user": user.pk,
                "identity": identity,
                "checker": v.checker_real_name,
                "organisation": organisation.name,
                "photos": [stored["id"].pk, stored["holding"].pk],
            },
        )
        verified_on_site.send(sender=Verification, verification=v, user=user, flat=flat, actor=actor)
        _tell_onsite(v, estate=estate, organisation=organisation)
    return v


def _tell_onsite(v: Verification, *, estate: Estate, organisation) -> None:
    """The owner is told who verified them, by message and SMS: if it was not them, they can say so."""
    notify(
        users=[v.user],
        kind="verification.on_site",
        title=_("Your identity has been verified"),
        body=_(
            "%(checker)s of %(organisation)s verified your identity on site for %(estate)s %(flat)s. "
            "If this was not you, tell the street office."
        )
        % {
            "checker": v.checker_real_name,
            "organisation": organisation.name,
            "estate": estate.name,
            "flat": v.flat,
        },
        link=reverse("verification:result", args=[v.pk]),
        estate=estate,
        sms=True,
        sms_title=sms_titles.IDENTITY_VERIFIED,
    )


def onsite_photo(*, actor, verification_id: int, which: str) -> tuple[StoredFile, bytes]:
    """One photo of an on-site verification, for the estate's convener and the street office of its
    street only (anyone else: 404, as if missing). Every view is written to the audit log."""
    v = access_verification(actor, verification_id, need=Need.SEE)
    if which not in PHOTO_KINDS:
        raise NotFound(Code.PHOTO_NOT_FOUND, _("Photo not found."))
    stored = v.id_photo if which == "id" else v.holding_photo
    content = read_file(stored)
    with transaction.atomic():
        record(
            actor=actor,
            action="verification.photo_viewed",
            obj=v,
            estate_id=v.estate_id,
            summary={"which": which, "file": stored.pk, "kind": "pii.read"},
        )
    return stored, content


# --- methods (R-ID-3, art. 9 last paragraph) -------------------------------------------------------


def method_change(
    *, actor, method: str, enabled: bool, title: str, reason: str, effective_on: dt.date
) -> MethodNotice:
    """The city operator enables or disables a verification method from ``effective_on`` (today or
    later), published as a notice with its title and reason."""
    require(
        method in Method.values,
        NotFound(Code.METHOD_NOT_FOUND, _("There is no such verification method.")),
    )
    access_methods(actor)
    title = " ".join((title or "").split())
    reason = (reason or "").strip()
    require(title, InvalidInput(Code.TITLE_REQUIRED, _("Give the notice a title.")))
    require(len(title) <= 200, InvalidInput(Code.TITLE_TOO_LONG, _("The title is too long.")))
    require(reason, InvalidInput(Code.REASON_REQUIRED, _("Give the reason for the change.")))
    today = timezone.localdate()
    require(
        isinstance(effective_on, dt.date) and effective_on >= today,
        InvalidInput(
            Code.EFFECTIVE_IN_PAST,
            _("The change can take effect today (%(today)s) or later, not earlier.") % {"today": today},
        ),
    )
    enabled = bool(enabled)
    with transaction.atomic():
        require(
            selectors.method_enabled(method, on=effective_on) != enabled,
            InvalidInput(
                Code.METHOD_UNCHANGED,
                _("This method is already enabled on that day.")
                if enabled
                else _("This method is already disabled on that day."),
            ),
        )
        notice = MethodNotice.objects.create(
            method=method,
            enabled=enabled,
            title=title,
            reason=reason,
            effective_on=effective_on,
            published_by=actor,
            publisher_real_name=actor.display_name(),
        )
        record(
            actor=actor,
            action="verification.method_changed",
            obj=notice,
            summary={
                "method": method,
                "enabled": enabled,
                "effective_on": effective_on.isoformat(),
                "title": title,
                "reason": reason,
            },
        )
    return notice
