"""Deployment checks (``manage.py check --deploy``) for identity verification."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Info, register


@register("security", deploy=True)
def face_provider_check(app_configs=None, **kwargs) -> list[Info]:
    if settings.OWNERVOTE_FACE_BACKEND.endswith(".DevFaceProvider"):
        return [
            Info(
                "OWNERVOTE_FACE_BACKEND is the development face provider: production settings switch "
                "self-service verification off (no secret), so owners can only be verified on site.",
                hint="Configure a real face-verification provider (OWNERVOTE_FACE_BACKEND, "
                "OWNERVOTE_FACE_APP_ID, OWNERVOTE_FACE_SECRET, OWNERVOTE_FACE_ENDPOINT).",
                id="verification.I001",
            )
        ]
    return []
