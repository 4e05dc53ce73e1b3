"""manage.py check --deploy refuses a production that would never text anybody."""

from __future__ import annotations

from django.core import checks

from ownervote.identity.checks import sms_provider_check

ALIYUN = "ownervote.identity.sms.aliyun.AliyunSmsBackend"
COMPLETE = {
    "access_key_id": "LTAI-id",
    "access_key_secret": "secret",
    "sign_name": "业主大会投票",
    "endpoint": "",
    "templates": {"sign_in_code": "SMS_1", "verify_code": "SMS_2", "notice": "SMS_3"},
}


def _ids(errors) -> list[str]:
    return [e.id for e in errors]


def test_console_backend_fails_the_deploy_check(settings):
    settings.OWNERVOTE_SMS_BACKEND = "ownervote.identity.sms.backends.ConsoleBackend"
    assert _ids(sms_provider_check()) == ["identity.E002"]
    # Registered as a deployment check, so `check --deploy` runs it.
    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert "identity.E002" in _ids(found)
    assert "identity.E002" not in _ids(checks.run_checks(tags=[checks.Tags.security]))


def test_a_complete_provider_passes(settings):
    settings.OWNERVOTE_SMS_BACKEND = ALIYUN
    settings.OWNERVOTE_SMS_OPTIONS = COMPLETE
    assert sms_provider_check() == []


def test_missing_provider_settings_are_named(settings):
    settings.OWNERVOTE_SMS_BACKEND = ALIYUN
    settings.OWNERVOTE_SMS_OPTIONS = {
        **COMPLETE,
        "access_key_secret": "",
        "templates": {"sign_in_code": "SMS_1"},
    }
    errors = sms_provider_check()
    assert _ids(errors) == ["identity.E003", "identity.E003"]
    assert "access_key_secret" in errors[0].msg and "verify_code, notice" in errors[1].msg


def test_unloadable_backend_and_half_configured_wechat(settings):
    settings.OWNERVOTE_SMS_BACKEND = "ownervote.identity.sms.nowhere.Backend"
    assert _ids(sms_provider_check()) == ["identity.E001"]
    settings.OWNERVOTE_SMS_BACKEND = ALIYUN
    settings.OWNERVOTE_SMS_OPTIONS = COMPLETE
    settings.OWNERVOTE_WECHAT = {**settings.OWNERVOTE_WECHAT, "app_id": "wx1", "app_secret": ""}
    assert _ids(sms_provider_check()) == ["identity.E004"]
