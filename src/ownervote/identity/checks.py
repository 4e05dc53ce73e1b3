"""Deployment checks (``manage.py check --deploy``): owners must really receive their codes."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

from .sms import get_backend


@register(Tags.security, deploy=True)
def sms_provider_check(app_configs=None, **kwargs) -> list[Error]:
    try:
        backend = get_backend()
    except Exception as exc:  # an unimportable path or bad options: say so, don't crash the check
        return [Error(f"OWNERVOTE_SMS_BACKEND cannot be loaded: {exc}", id="identity.E001")]
    errors = []
    if not getattr(backend, "delivers", True):
        errors.append(
            Error(
                f"OWNERVOTE_SMS_BACKEND is {settings.OWNERVOTE_SMS_BACKEND}, which sends nothing: "
                "owners would never receive their sign-in codes.",
                hint="Set OWNERVOTE_SMS_BACKEND=ownervote.identity.sms.aliyun.AliyunSmsBackend and the "
                "OWNERVOTE_SMS_ACCESS_KEY_ID, _ACCESS_KEY_SECRET, _SIGN_NAME and _TEMPLATES variables.",
                id="identity.E002",
            )
        )
    problems = getattr(backend, "configuration_problems", None)
    for problem in problems() if callable(problems) else ():
        errors.append(Error(f"SMS provider: {problem}", id="identity.E003"))
    wechat = getattr(settings, "OWNERVOTE_WECHAT", None) or {}
    if wechat.get("app_id") and not wechat.get("app_secret"):
        errors.append(
            Error(
                "OWNERVOTE_WECHAT has an app_id but no app_secret: WeChat sign-in cannot work.",
                hint="Set OWNERVOTE_WECHAT_APP_SECRET, or unset OWNERVOTE_WECHAT_APP_ID to turn WeChat "
                "sign-in off.",
                id="identity.E004",
            )
        )
    return errors
