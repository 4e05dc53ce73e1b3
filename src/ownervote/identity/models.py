"""Owner sign-in: one-time SMS codes, the SMS messages sent, WeChat accounts linked to users.

Owners are ordinary ``orgs.User`` rows without a password, found by the keyed hash of their
mobile number (``User.mobile_hash``); see ``identity.accounts``.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ownervote.core import crypto
from ownervote.core.pii import pii_fields


class SmsCode(models.Model):
    """A one-time code sent to a mobile number. Only its keyed hash is stored; it expires, it is
    used at most once and it locks after too many wrong tries."""

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", _("sign in")
        VERIFY = "verify", _("identity verification")

    mobile_hash = models.CharField(max_length=64, db_index=True)
    mobile_masked = models.CharField(max_length=32)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    salt = models.CharField(max_length=32, blank=True)  # this row's own salt for ``code_hash``
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    # When the provider accepted the message. A code whose SMS could not be sent is never usable.
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SMS code")
        indexes = [
            models.Index(fields=["ip", "created_at"], name="smscode_ip_created"),
            models.Index(fields=["mobile_hash", "created_at"], name="smscode_mobile_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=["sign_in", "verify"]), name="smscode_purpose_valid"
            )
        ]


class SentSms(models.Model):
    """Every SMS handed to the provider: what, to whom (encrypted), and the provider's answer.
    The development backend's messages are here too, where a test can read them."""

    mobile_enc, mobile_masked, mobile_hash = pii_fields(_("mobile"))
    template = models.CharField(max_length=64)  # our template name: "sign_in_code", "objection_filed", ...
    params_enc = models.TextField(blank=True)  # encrypted JSON: a code is a secret
    backend = models.CharField(max_length=100)
    provider_ref = models.CharField(max_length=100, blank=True)  # the provider's BizId / SerialNo
    ok = models.BooleanField(default=False)
    error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sent SMS")
        ordering = ["-sent_at", "-id"]

    def params(self) -> dict:
        """The template parameters, decrypted (a sign-in code is among them: never show or log)."""
        return json.loads(crypto.decrypt_text(self.params_enc)) if self.params_enc else {}


class WeChatAccount(models.Model):
    """A WeChat official-account user (openid) linked to an owner account after SMS proof."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wechat_accounts"
    )
    app_id = models.CharField(max_length=64)
    openid = models.CharField(max_length=128)
    unionid = models.CharField(max_length=128, blank=True)
    linked_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("WeChat account")
        constraints = [models.UniqueConstraint(fields=["app_id", "openid"], name="wechat_openid_unique")]
