"""The error codes ``identity`` raises (part of the API contract: ``core.errors``)."""

from __future__ import annotations

from ownervote.core.errors import Codes


class Code(Codes):
    # SMS codes (sign-in, verification)
    BAD_MOBILE = "sms.bad_mobile"
    BAD_PURPOSE = "sms.bad_purpose"
    TOO_MANY = "sms.too_many"
    WRONG_CODE = "sms.wrong_code"
    NO_CODE = "sms.no_code"
    EXPIRED = "sms.expired"
    LOCKED = "sms.locked"
    SEND_FAILED = "sms.send_failed"
    # Ours among the provider's own codes of an SmsError: no provider template for the message
    SMS_TEMPLATE_MISSING = "config.template"
    # WeChat sign-in
    WECHAT_FAILED = "wechat.failed"
    WECHAT_INVALID_CODE = "wechat.invalid_code"
    WECHAT_NO_OPENID = "wechat.no_openid"
    WECHAT_LINKED_ELSEWHERE = "wechat.linked_elsewhere"
    # The owner's own preferences (elder mode, R-SEC-8)
    SIGN_IN_REQUIRED = "auth.sign_in_required"
    # /api/auth
    JSON_REQUIRED = "auth.json_required"
