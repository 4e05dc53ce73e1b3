"""The separate consent to face recognition (R-SEC-7; PIPL art. 28, 29 and the 2025 measures on
face recognition): what is collected, by whom, why, for how long, and the on-site alternative.

The text is a fixed Chinese document, not a translation: ``FACE_CONSENT_VERSION`` names the file
in ``templates/verification/face_consent/`` and each decision records that version and the text's
SHA-256. Changing a word of the text needs a new version (a new file and a new constant): the
tests pin the hash to the version, and owners who consented to the old text are asked again.

The newest decision of a person counts: a refusal withdraws an earlier consent. The face step
(``services.self_service_start``) refuses to start without a current consent
(``require_face_consent``); refusing leads to the on-site verification, which needs no consent
to the face (R-ID-2).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ownervote.audit.services import record
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, ServiceError, require

from .errors import Code
from .models import FaceConsent

FACE_CONSENT_VERSION = "face-2026-12-v1"
TEXTS = Path(__file__).resolve().parent / "templates" / "verification" / "face_consent"


@dataclass(frozen=True)
class ConsentSection:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class ConsentText:
    version: str
    sha256: str
    title: str
    sections: tuple[ConsentSection, ...]
    closing: str
    text: str


@cache
def consent_text(version: str = FACE_CONSENT_VERSION) -> ConsentText:
    """The text of ``version``, its SHA-256 (of the file's UTF-8 bytes) and its parts: the first
    line is the title, each block after a blank line a section (its first line the heading), the
    last block the closing sentence."""
    raw = (TEXTS / f"{version}.txt").read_bytes()
    text = raw.decode("utf-8")
    blocks = [block.strip().splitlines() for block in text.strip().split("\n\n")]
    title = blocks[0][0]
    sections = tuple(ConsentSection(lines[0], tuple(lines[1:])) for lines in blocks[1:-1])
    return ConsentText(
        version=version,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=title,
        sections=sections,
        closing=" ".join(blocks[-1]),
        text=text,
    )


def current_face_consent(user) -> FaceConsent | None:
    """The person's consent in force: their newest decision, if it consents to the current text."""
    if not getattr(user, "is_authenticated", False):
        return None
    latest = FaceConsent.objects.filter(user=user).order_by("-decided_at", "-id").first()
    if latest is None or latest.decision != FaceConsent.Decision.GIVEN:
        return None
    return latest if latest.text_version == FACE_CONSENT_VERSION else None


def latest_face_decision(user) -> FaceConsent | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return FaceConsent.objects.filter(user=user).order_by("-decided_at", "-id").first()


def require_face_consent(user) -> FaceConsent:
    """The consent the face step starts under; refused (403 ``verification.face_consent_required``)
    without one."""
    consent = current_face_consent(user)
    require(
        consent is not None,
        ServiceError(
            Code.FACE_CONSENT_REQUIRED,
            _(
                "Face recognition needs your separate consent first. Read the notice and agree, or "
                "be verified on site by your convener instead."
            ),
            status=403,  # not a Forbidden: the page shows the notice in its place (core.views.attempt)
        ),
    )
    return consent


def face_consent_decide(
    *,
    actor,
    decision: str,
    version: str,
    device_hash: str = "",
    client_ip: str | None = None,
) -> FaceConsent:
    """Record the signed-in person's decision on the text of ``version`` (the one they were shown:
    only the current text can be consented to or refused). The audit event names the decision
    and version, nothing personal."""
    require(getattr(actor, "is_authenticated", False), Forbidden(Code.AUTH_REQUIRED, _("Sign in first.")))
    require(
        decision in FaceConsent.Decision.values,
        InvalidInput(Code.FACE_CONSENT_DECISION, _("Choose to agree or not to agree.")),
    )
    require(
        version == FACE_CONSENT_VERSION,
        Conflict(
            Code.FACE_CONSENT_STALE,
            _("The notice on face recognition has changed. Please read the current one."),
            details={"version": FACE_CONSENT_VERSION},
        ),
    )
    text = consent_text()
    with transaction.atomic():
        consent = FaceConsent.objects.create(
            user=actor,
            text_version=text.version,
            text_sha256=text.sha256,
            decision=decision,
            decided_at=timezone.now(),
            device_hash=device_hash,
            client_ip=client_ip,
        )
        record(
            actor=actor,
            action=f"face_consent.{decision}",
            obj=consent,
            summary={"version": text.version, "sha256": text.sha256},
        )
    return consent
