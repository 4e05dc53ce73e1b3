"""Who may call /api/verification/ (R-ID-1, R-ID-2, R-ID-3), written from the rules:

- methods and notices are public; only the city operator changes a method;
- anyone signed in verifies themself, with the mobile of their own account (an account without
  one may take a free number: staff accounts here have none, and 13700000000 is the newcomer's);
- on-site verifications: the estate's convener makes them; the list and the photos are for that
  convener and the street office of the estate's street (others who see the estate: 403 for the
  list, 404 for the photos, as if missing);
- the provider's notification is public and checked by its signature alone.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from .owner_matrix import OwnerRow

V = "/api/verification"
NEWCOMER_MOBILE = "13700000000"


def expect(**statuses) -> dict[str, int]:
    roles = ("zhang", "li", "wang", "newcomer", "convener", "street", "other_convener", "city", "anonymous")
    return {role: statuses[role] for role in roles}


EVERYONE_200 = expect(
    zhang=200,
    li=200,
    wang=200,
    newcomer=200,
    convener=200,
    street=200,
    other_convener=200,
    city=200,
    anonymous=200,
)


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (90, 90, 90)).save(out, "JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), "image/jpeg")


def _sms_code(world: dict) -> None:
    """A verification code sent to the newcomer's mobile, read back from the SMS; everybody has
    agreed to the notice on face recognition (R-SEC-7), so that the row tests who may start."""
    from ownervote.core import pii
    from ownervote.identity.models import SentSms
    from ownervote.identity.services import sms_code_request
    from tests.owners import face_consent

    for user in world["users"].values():
        face_consent(user)
    sms_code_request(mobile=NEWCOMER_MOBILE, purpose="verify", ip="127.0.0.1")
    sms = SentSms.objects.filter(mobile_hash=pii.lookup("mobile", NEWCOMER_MOBILE)).order_by("-pk").first()
    world["ids"]["sms_code"] = sms.params()["code"]


def _zhangs_attempt(world: dict) -> None:
    """A self-service attempt of zhang's, waiting at the provider."""
    from ownervote.verification.models import Method, Verification

    v = Verification.objects.create(
        user=world["users"]["zhang"],
        method=Method.SELF_SERVICE,
        status=Verification.Status.STARTED,
        provider="dev",
        provider_ref="matrix-zhang",
    )
    world["ids"]["selfservice"] = v.pk


def _notify(*, forged: bool):
    def setup(world: dict) -> None:
        """A started attempt of the newcomer's that the provider has decided, and the provider's
        signed notification of it."""
        from ownervote.verification.face import get_provider
        from ownervote.verification.models import DevFaceSession, Method, Verification

        provider = get_provider()
        ref = "matrix-notify"
        Verification.objects.create(
            user=world["users"]["newcomer"],
            method=Method.SELF_SERVICE,
            status=Verification.Status.STARTED,
            provider=provider.name,
            provider_ref=ref,
        )
        DevFaceSession.objects.create(ref=ref, name_masked="钱*", return_url="/", outcome="passed")
        params = provider.signed_params(ref)
        if forged:
            params["sign"] = "0" * 64
        world["ids"]["notify_params"] = params

    return setup


def _method_change(ids: dict) -> dict:
    return {
        "enabled": False,
        "title": "暂停自助人脸识别验证",
        "reason": "服务商系统升级。",
        "effective_on": timezone.localdate().isoformat(),
    }


def _onsite_body(ids: dict) -> dict:
    """赵六, owner of 1栋-201 in the roster."""
    from tests.rosterfiles import mobile, person_id

    return {
        "flat_id": ids["flat201"],
        "name": "赵六",
        "id_number": person_id(4),
        "mobile": mobile(4),
        "ownership_proof_checked": "true",
        "id_document_checked": "true",
        "id_photo": _jpeg(),
        "holding_photo": _jpeg(),
    }


ROWS = [
    OwnerRow("GET /api/verification/methods", "public", f"{V}/methods", EVERYONE_200),
    OwnerRow("GET /api/verification/notices", "public", f"{V}/notices", EVERYONE_200),
    OwnerRow(
        "POST /api/verification/methods/{method}/changes",
        "city operator only",
        f"{V}/methods/self_service/changes",
        expect(
            zhang=403,
            li=403,
            wang=403,
            newcomer=403,
            convener=403,
            street=403,
            other_convener=403,
            city=201,
            anonymous=401,
        ),
        body=_method_change,
    ),
    OwnerRow(
        "GET /api/verification/me",
        "signed in",
        f"{V}/me",
        expect(
            zhang=200,
            li=200,
            wang=200,
            newcomer=200,
            convener=200,
            street=200,
            other_convener=200,
            city=200,
            anonymous=401,
        ),
    ),
    OwnerRow(
        "GET /api/verification/face-consent",
        "the notice on face recognition (R-SEC-7): anyone signed in",
        f"{V}/face-consent",
        expect(
            zhang=200,
            li=200,
            wang=200,
            newcomer=200,
            convener=200,
            street=200,
            other_convener=200,
            city=200,
            anonymous=401,
        ),
    ),
    OwnerRow(
        "POST /api/verification/face-consent",
        "one's own decision on the current notice (R-SEC-7): anyone signed in",
        f"{V}/face-consent",
        expect(
            zhang=201,
            li=201,
            wang=201,
            newcomer=201,
            convener=201,
            street=201,
            other_convener=201,
            city=201,
            anonymous=401,
        ),
        body=lambda ids: {"decision": "given", "version": _consent_version()},
    ),
    OwnerRow(
        "POST /api/verification/face-consent",
        "on a notice no longer current: refused for everyone (R-SEC-7)",
        f"{V}/face-consent",
        expect(
            zhang=409,
            li=409,
            wang=409,
            newcomer=409,
            convener=409,
            street=409,
            other_convener=409,
            city=409,
            anonymous=401,
        ),
        body={"decision": "given", "version": "face-2000-01-v0"},
    ),
    OwnerRow(
        "POST /api/verification/self-service",
        "with the newcomer's mobile and code: the mobile of one's own account only",
        f"{V}/self-service",
        # Owners have another mobile (422); staff accounts have none, and this one is taken (409).
        expect(
            zhang=422,
            li=422,
            wang=422,
            newcomer=201,
            convener=409,
            street=409,
            other_convener=409,
            city=409,
            anonymous=401,
        ),
        body=lambda ids: {
            "name": "钱七",
            "id_number": _id9(),
            "mobile": NEWCOMER_MOBILE,
            "code": ids["sms_code"],
        },
        setup=_sms_code,
    ),
    OwnerRow(
        "GET /api/verification/self-service/{verification_id}",
        "own attempt only",
        f"{V}/self-service/{{selfservice}}",
        expect(
            zhang=200,
            li=404,
            wang=404,
            newcomer=404,
            convener=404,
            street=404,
            other_convener=404,
            city=404,
            anonymous=401,
        ),
        setup=_zhangs_attempt,
    ),
    OwnerRow(
        "POST /api/verification/face/notify",
        "signed by the provider: public",
        f"{V}/face/notify",
        EVERYONE_200,
        body=lambda ids: ids["notify_params"],
        setup=_notify(forged=False),
    ),
    OwnerRow(
        "POST /api/verification/face/notify",
        "forged signature: refused for everyone",
        f"{V}/face/notify",
        expect(
            zhang=403,
            li=403,
            wang=403,
            newcomer=403,
            convener=403,
            street=403,
            other_convener=403,
            city=403,
            anonymous=403,
        ),
        body=lambda ids: ids["notify_params"],
        setup=_notify(forged=True),
    ),
    OwnerRow(
        "GET /api/verification/estates/{estate_id}/on-site",
        "the convener and the street office",
        f"{V}/estates/{{a}}/on-site",
        expect(
            zhang=404,
            li=404,
            wang=404,
            newcomer=404,
            convener=200,
            street=200,
            other_convener=404,
            city=403,
            anonymous=401,
        ),
    ),
    OwnerRow(
        "POST /api/verification/estates/{estate_id}/on-site",
        "the estate's convener only",
        f"{V}/estates/{{a}}/on-site",
        expect(
            zhang=404,
            li=404,
            wang=404,
            newcomer=404,
            convener=201,
            street=403,
            other_convener=404,
            city=403,
            anonymous=401,
        ),
        body=_onsite_body,
        multipart=True,
    ),
    OwnerRow(
        "GET /api/verification/on-site/{verification_id}/photos/{which}",
        "the convener and the street office; anyone else as if missing",
        f"{V}/on-site/{{onsite}}/photos/id",
        expect(
            zhang=404,
            li=404,
            wang=404,
            newcomer=404,
            convener=200,
            street=200,
            other_convener=404,
            city=404,
            anonymous=401,
        ),
    ),
]


def _consent_version() -> str:
    from ownervote.verification.consent import FACE_CONSENT_VERSION

    return FACE_CONSENT_VERSION


def _id9() -> str:
    from tests.rosterfiles import person_id

    return person_id(9)
