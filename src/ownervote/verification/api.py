"""/api/verification/: identity verification of owners (art. 9).

- R-ID-1 self-service: `POST /self-service` checks the SMS code (purpose `verify`) and answers
  the face provider's `redirect_url`; the provider sends the browser back to
  `/m/verify/face/callback/` and may notify `POST /face/notify` (public, signed: HMAC-SHA256 over
  the sorted parameters, fresh timestamp, nonce used once). The result is then asked from the
  provider server to server; `GET /self-service/{id}` and `GET /me` show it.
- R-ID-2 on site: the estate's convener verifies an owner with two photos
  (`POST /estates/{id}/on-site`, multipart); the list and the photos are for that convener and the
  street office of the estate's street only. Every photo view is written to the audit log.
- R-ID-3 methods: the city operator enables or disables a method from a date
  (`POST /methods/{method}/changes`); the notices are public.
"""

from __future__ import annotations

import json

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Router, UploadedFile
from ninja.responses import Status

from ownervote.core.devices import traces
from ownervote.core.errors import InvalidInput
from ownervote.core.files import Upload
from ownervote.core.schemas import ERRORS, Id

from . import consent, selectors, services
from .access import Need, access_verification
from .errors import Code
from .models import Method
from .schemas import (
    FaceConsentIn,
    FaceConsentOut,
    FaceConsentTextOut,
    FaceNotifyOut,
    MethodChangeIn,
    MethodNoticeOut,
    MethodStateOut,
    MyVerificationOut,
    OnsiteIn,
    OnsiteOut,
    SelfServiceIn,
    SelfServiceOut,
    VerificationOut,
)
from .views import photo_response

router = Router(tags=["verification"])

PHOTO_RESPONSE = {
    "responses": {
        200: {"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in services.MIME_TYPES}}
    }
}


# --- methods and notices (R-ID-3) -----------------------------------------------------------------


@router.get(
    "/methods", auth=None, response={200: list[MethodStateOut], **ERRORS}, summary="Verification methods"
)
def list_methods(request):
    """Each method, whether it is offered today and the next change already announced. Public."""
    return selectors.method_states()


@router.get("/notices", auth=None, response={200: list[MethodNoticeOut], **ERRORS}, summary="Method notices")
def list_notices(request):
    """Every published notice of a change of methods, with its reason and date, newest first. Public."""
    return selectors.published_notices()


@router.post(
    "/methods/{method}/changes",
    response={201: MethodNoticeOut, **ERRORS},
    summary="Enable or disable a method",
)
def change_method(request, method: str, body: MethodChangeIn):
    """The city operator only (403 for anyone else): `enabled`, a `title` and `reason` published to
    owners, and `effective_on` (today or later). 404 for an unknown method."""
    notice = services.method_change(actor=request.auth, method=method, **body.dict())
    return Status(201, notice)


# --- the signed-in person ---------------------------------------------------------------------------


@router.get("/me", response={200: MyVerificationOut, **ERRORS}, summary="My verification")
def my_verification(request):
    """Whether the caller is verified (masked), their latest attempt, and which methods are offered."""
    services.expire_stale(user=request.auth)
    identity = selectors.verified_identity(request.auth)
    return {
        "verified": identity is not None,
        "identity": identity,
        "latest": selectors.latest_verification(request.auth),
        "self_service_enabled": selectors.method_enabled(Method.SELF_SERVICE),
        "on_site_enabled": selectors.method_enabled(Method.ON_SITE),
    }


@router.get(
    "/face-consent", response={200: FaceConsentTextOut, **ERRORS}, summary="The notice on face recognition"
)
def get_face_consent(request):
    """R-SEC-7: the separate notice to read before face recognition (what is collected, by whom,
    why, for how long, the on-site alternative), its version and SHA-256, and the caller's newest
    decision. `POST /self-service` is refused (403 `verification.face_consent_required`) until
    the caller agrees to the current version."""
    text = consent.consent_text()
    return {
        "version": text.version,
        "sha256": text.sha256,
        "title": text.title,
        "sections": [{"heading": s.heading, "paragraphs": list(s.paragraphs)} for s in text.sections],
        "closing": text.closing,
        "text": text.text,
        "consented": consent.current_face_consent(request.auth) is not None,
        "latest": consent.latest_face_decision(request.auth),
        "on_site_enabled": selectors.method_enabled(Method.ON_SITE),
    }


@router.post(
    "/face-consent", response={201: FaceConsentOut, **ERRORS}, summary="Agree or not to face recognition"
)
def decide_face_consent(request, body: FaceConsentIn):
    """R-SEC-7: `decision` `given` or `refused` on the notice of `version` (409
    `verification.face_consent_stale` if it is not the current one). The newest decision counts:
    `refused` withdraws an earlier consent. Not agreeing leads to the on-site verification
    (`on_site_enabled`), without any other consequence."""
    decided = consent.face_consent_decide(
        actor=request.auth, decision=body.decision, version=body.version, **traces(request)
    )
    return Status(201, decided)


@router.post(
    "/self-service", response={201: SelfServiceOut, **ERRORS}, summary="Start self-service verification"
)
def start_self_service(request, body: SelfServiceIn):
    """R-ID-1: after the caller agreed to the notice on face recognition (`/face-consent`, R-SEC-7;
    else 403 `verification.face_consent_required`), name, ID number (checked), the mobile (the
    account's own; an account without one takes it) and its SMS code. Answers the provider's page to open; 409
    `verification.method_disabled` while the city has withdrawn the method."""
    v, start = services.self_service_start(
        actor=request.auth,
        name=body.name,
        id_number=body.id_number,
        mobile=body.mobile,
        code=body.code,
        return_url=request.build_absolute_uri(reverse("verification:face_callback")),
        **traces(request),
    )
    return Status(201, {"verification_id": v.pk, "status": v.status, "redirect_url": start.redirect_url})


@router.get(
    "/self-service/{verification_id}", response={200: VerificationOut, **ERRORS}, summary="One of my attempts"
)
def get_self_service(request, verification_id: Id):
    """One of the caller's own verification attempts (anyone else's: 404)."""
    services.expire_stale(user=request.auth)
    return access_verification(request.auth, verification_id, need=Need.OWN)


def _callback_params(request) -> dict:
    if request.POST:
        return request.POST.dict()
    try:
        params = json.loads(request.body or b"{}")
    except ValueError:
        params = None
    if not isinstance(params, dict):
        raise InvalidInput(Code.FACE_BAD_CALLBACK, _("The face verification callback is incomplete."))
    return params


@router.post(
    "/face/notify",
    auth=None,
    response={200: FaceNotifyOut, **ERRORS},
    summary="Face provider notification",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
                "application/json": {"schema": {"type": "object"}},
            }
        }
    },
)
def face_notify(request):
    """The provider's server-to-server notification, form-encoded or JSON: `app_id`, `ref`,
    `nonce`, `timestamp`, `sign` (and anything else the provider signs). Refused when the signature
    is wrong (403 `face.bad_signature`), the nonce was seen (409 `face.replayed`), the timestamp is
    too old (422 `face.callback_expired`) or the session unknown (404 `face.unknown_ref`)."""
    v = services.face_callback(params=_callback_params(request))
    return {"ok": True, "verification_id": v.pk, "status": v.status}


# --- on site (R-ID-2) -------------------------------------------------------------------------------


@router.get(
    "/estates/{estate_id}/on-site", response={200: list[OnsiteOut], **ERRORS}, summary="On-site verifications"
)
def list_onsite(request, estate_id: Id):
    """The estate's on-site verifications, masked: for its convener and its street office (others
    who see the estate: 403)."""
    return selectors.onsite_for(request.auth, estate_id)


@router.post(
    "/estates/{estate_id}/on-site", response={201: OnsiteOut, **ERRORS}, summary="Verify an owner on site"
)
def create_onsite(
    request,
    estate_id: Id,
    body: Form[OnsiteIn],
    id_photo: File[UploadedFile],
    holding_photo: File[UploadedFile],
):
    """The estate's convener only. Multipart: `flat_id`, `name`, `id_number`, `mobile`, both checks
    (`ownership_proof_checked`, `id_document_checked`: true), `note`, and the photos `id_photo` and
    `holding_photo` (JPEG, PNG or WebP). The person must be an owner of the flat in the roster. The
    flat is bound to the person's account and the owner told by SMS."""
    v = services.onsite_verify(
        actor=request.auth,
        estate_id=estate_id,
        flat_id=body.flat_id,
        name=body.name,
        id_number=body.id_number,
        mobile=body.mobile,
        ownership_proof_checked=body.ownership_proof_checked,
        id_document_checked=body.id_document_checked,
        id_photo=Upload.from_django(id_photo),
        holding_photo=Upload.from_django(holding_photo),
        note=body.note,
        **traces(request),
    )
    return Status(201, v)


@router.get(
    "/on-site/{verification_id}/photos/{which}",
    response={**ERRORS},
    openapi_extra=PHOTO_RESPONSE,
    summary="A photo of an on-site verification",
)
def onsite_photo(request, verification_id: Id, which: str):
    """`which` is `id` or `holding`. For the estate's convener and the street office of its street
    only (anyone else: 404). Every view is written to the audit log; never cached."""
    stored, content = services.onsite_photo(actor=request.auth, verification_id=verification_id, which=which)
    return photo_response(stored, content)
