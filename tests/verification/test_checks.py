"""manage.py check --deploy refuses the development face provider and a half-configured real one
(R-ID-4: "The development provider never runs in production")."""

from __future__ import annotations

from django.core import checks

from ownervote.verification.checks import face_provider_check

from .tencent_fakes import OPTIONS

DEV = "ownervote.verification.face.DevFaceProvider"
TENCENT = "ownervote.verification.providers.tencent.TencentFaceProvider"


def _ids(errors) -> list[str]:
    return [e.id for e in errors]


def test_development_provider_is_refused(settings):  # R-ID-4
    settings.OWNERVOTE_FACE_BACKEND = DEV
    # With or without a secret (production settings blank it): never in production.
    for secret in ("", "dev-face-secret"):
        settings.OWNERVOTE_FACE_OPTIONS = {"app_id": "x", "secret": secret}
        errors = face_provider_check()
        assert _ids(errors) == ["verification.E001"]
        assert errors[0].level == checks.ERROR and TENCENT in errors[0].hint
    # Registered as a deployment check: `check --deploy` runs it, a plain `check` does not.
    assert "verification.E001" in _ids(
        checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    )
    assert "verification.E001" not in _ids(checks.run_checks(tags=[checks.Tags.security]))


def test_a_configured_tencent_provider_passes(settings):  # R-ID-4
    settings.OWNERVOTE_FACE_BACKEND = TENCENT
    settings.OWNERVOTE_FACE_OPTIONS = OPTIONS
    assert face_provider_check() == []
    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert not [e for e in found if e.id.startswith("verification.")]


def test_tencent_without_credentials_is_refused(settings):  # R-ID-4
    settings.OWNERVOTE_FACE_BACKEND = TENCENT
    settings.OWNERVOTE_FACE_OPTIONS = {
        **OPTIONS,
        "secret_id": "",
        "secret_key": "",
        "rule_id": "",
        "secret": "",
    }
    errors = face_provider_check()
    assert _ids(errors) == ["verification.E003"] * 4
    text = " ".join(e.msg for e in errors)
    for env in (
        "OWNERVOTE_FACE_TENCENT_SECRET_ID",
        "OWNERVOTE_FACE_TENCENT_SECRET_KEY",
        "OWNERVOTE_FACE_TENCENT_RULE_ID",
        "OWNERVOTE_FACE_SECRET",
    ):
        assert env in text
    settings.OWNERVOTE_FACE_OPTIONS = {**OPTIONS, "endpoint": "http://faceid.tencentcloudapi.com/"}
    assert _ids(face_provider_check()) == ["verification.E003"]


def test_unloadable_backend_is_reported(settings):  # R-ID-4
    settings.OWNERVOTE_FACE_BACKEND = "ownervote.verification.providers.nowhere.Provider"
    assert _ids(face_provider_check()) == ["verification.E002"]
