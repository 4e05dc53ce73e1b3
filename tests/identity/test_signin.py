"""Signing in with an SMS code: the account of the number (created on first use), audited."""

from __future__ import annotations

import pytest

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import ServiceError
from ownervote.identity import services
from ownervote.identity.accounts import find_by_mobile, owner_account_for_mobile
from ownervote.identity.models import SmsCode

from .helpers import T0, clock, last_code, later, other_code

pytestmark = pytest.mark.django_db


def _code(mobile: str, at=T0) -> str:
    with clock(at):
        services.sms_code_request(mobile=mobile, purpose="sign_in", ip="203.0.113.5")
    return last_code(mobile)


def test_first_sign_in_creates_the_account_and_is_audited():  # R-ID-1 R-SEC-2
    code = _code("13900000001")
    assert find_by_mobile("13900000001") is None
    with clock(later(30)):
        user = services.sign_in_with_sms(mobile="139 0000 0001", code=code, ip="203.0.113.5")
    assert user == find_by_mobile("13900000001")
    assert user.mobile_masked == "139****0001" and not user.has_usable_password()
    event = AuditEvent.objects.get(action="identity.signed_in")
    assert event.actor == user and event.object_id == str(user.pk)
    assert event.summary == {"method": "sms", "mobile": "139****0001", "new_account": True}
    assert "13900000001" not in str(event.summary)
    assert SmsCode.objects.get().used_at is not None


def test_existing_account_is_reused(owner_world):  # R-ID-1
    zhang = owner_world["zhang"]
    from ownervote.core import crypto

    mobile = crypto.decrypt_text(zhang.mobile_enc)
    code = _code(mobile)
    with clock(later(5)):
        assert services.sign_in_with_sms(mobile=mobile, code=code) == zhang
    assert AuditEvent.objects.filter(action="identity.signed_in").last().summary["new_account"] is False


def test_wrong_code_signs_nobody_in_and_counts():  # R-ID-1
    code = _code("13900000001")
    with clock(later(5)), pytest.raises(ServiceError) as info:
        services.sign_in_with_sms(mobile="13900000001", code=other_code(code))
    assert info.value.code == "sms.wrong_code"
    assert find_by_mobile("13900000001") is None
    assert not AuditEvent.objects.filter(action="identity.signed_in").exists()
    assert SmsCode.objects.get().attempts == 1


def test_a_verification_code_cannot_sign_in():  # R-ID-1
    owner_account_for_mobile("13900000001")
    with clock(T0):
        services.sms_code_request(mobile="13900000001", purpose="verify", ip=None)
    with clock(later(1)), pytest.raises(ServiceError) as info:
        services.sign_in_with_sms(mobile="13900000001", code=last_code("13900000001"))
    assert info.value.code == "sms.no_code"
