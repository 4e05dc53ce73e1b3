"""Deployment checks (``manage.py check --deploy``) for identity verification (R-ID-4): the
development face provider never runs in production, and a real one is configured completely."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

from .face import DevFaceProvider, get_provider

TENCENT = "ownervote.verification.providers.tencent.TencentFaceProvider"


@register(Tags.security, deploy=True)
def face_provider_check(app_configs=None, **kwargs) -> list[Error]:
    try:
        provider = get_provider()
    except Exception as exc:  # an unimportable path or bad options: say so, don't crash the check
        return [Error(f"OWNERVOTE_FACE_BACKEND cannot be loaded: {exc}", id="verification.E002")]
    if isinstance(provider, DevFaceProvider):
        return [
            Error(
                f"OWNERVOTE_FACE_BACKEND is {settings.OWNERVOTE_FACE_BACKEND}, the development face "
                "provider: it passes whoever clicks its button, so it never runs in production.",
                hint=f"Set OWNERVOTE_FACE_BACKEND={TENCENT} and the OWNERVOTE_FACE_TENCENT_SECRET_ID, "
                '_SECRET_KEY, _RULE_ID and OWNERVOTE_FACE_SECRET variables (README, "Face verification").',
                id="verification.E001",
            )
        ]
    return [
        Error(f"Face provider {provider.name}: {problem}", id="verification.E003")
        for problem in provider.configuration_problems()
    ]
