"""One-time SMS codes: stored only as a keyed hash, expiring, used once, locking after wrong
tries, and sent no more often than the limits allow (R-ID-1: the SMS code proves the number)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from ownervote.audit.models import AuditEvent
from ownervote.core import pii
from ownervote.core.errors import ServiceError
from ownervote.identity import services
from ownervote.identity.models import SentSms, SmsCode

from .helpers import T0, clock, last_code, later, other_code

pytestmark = pytest.mark.django_db

MOBILE = "13900000001"
_numbers = itertools.count(13800000000)


def request(mobile=MOBILE, at=T0, ip="203.0.113.7", purpose="sign_in") -> str:
    """Ask for a code at ``at``; the code the phone received."""
    with clock(at):
        services.sms_code_request(mobile=mobile, purpose=purpose, ip=ip)
    return last_code(mobile)


def check(code, mobile=MOBILE, at=T0, purpose="sign_in") -> None:
    with clock(at):
        services.sms_code_check(mobile=mobile, purpose=purpose, code=code)


def refused(fn, *args, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as info:
        fn(*args, **kwargs)
    return info.value


# --- storage --------------------------------------------------------------------------------


def test_code_is_six_digits_and_stored_only_as_keyed_hash():  # R-ID-1 R-SEC-1
    code = request()
    row = SmsCode.objects.get()
    assert len(code) == 6 and code.isdigit()
    assert row.mobile_hash == pii.lookup("mobile", MOBILE) and row.mobile_masked == "139****0001"
    assert code not in row.code_hash and MOBILE not in repr(row.__dict__)
    assert row.salt and row.sent_at is not None and row.purpose == "sign_in"
    # Equal codes hash differently on different rows (the row's own salt).
    same = services.code_hash(salt="other", purpose="sign_in", mobile_hash=row.mobile_hash, code=code)
    assert same != row.code_hash
    # The message itself keeps the code encrypted, readable only through params().
    sms = SentSms.objects.get()
    assert code not in sms.params_enc and sms.params() == {"code": code}
    assert sms.template == "sign_in_code" and sms.ok


def test_verify_purpose_uses_its_own_template_and_codes():  # R-ID-1
    code = request(purpose="verify")
    assert SentSms.objects.get().template == "verify_code"
    # A verification code does not sign anyone in.
    assert refused(check, code, at=later(5)).code == "sms.no_code"
    check(code, at=later(5), purpose="verify")


def test_bad_mobile_refused_in_chinese_and_nothing_sent():  # R-ID-1
    for bad in ("12345", "23900000001", "1390000000a", ""):
        exc = refused(services.sms_code_request, mobile=bad, purpose="sign_in", ip=None)
        assert exc.code == "sms.bad_mobile" and exc.status == 422
        assert str(exc.message) == "请输入正确的手机号（以 1 开头的 11 位数字）。"
    assert not SmsCode.objects.exists() and not SentSms.objects.exists()


def test_mobile_is_normalised():  # R-ID-1
    code = request(mobile="+86 139-0000-0001")
    check(code, mobile="13900000001", at=later(1))


# --- checking ---------------------------------------------------------------------------------


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.integers(min_value=0, max_value=2 * 300 + 5))
@example(offset=299)  # the last valid second
@example(offset=300)  # the first expired one
def test_code_expires_after_its_lifetime(settings, offset):  # R-ID-1
    settings.OWNERVOTE_SMS_CODE_TTL_SECONDS = 300
    mobile = str(next(_numbers))
    code = request(mobile=mobile, ip=None)
    if offset < 300:
        check(code, mobile=mobile, at=later(offset))
    else:
        exc = refused(check, code, mobile=mobile, at=later(offset))
        assert exc.code == "sms.expired" and exc.status == 422
        assert str(exc.message) == "验证码已过期，请重新获取。"


def test_code_is_used_at_most_once():  # R-ID-1
    code = request()
    check(code, at=later(10))
    exc = refused(check, code, at=later(11))
    assert exc.code == "sms.no_code" and str(exc.message) == "该验证码已使用过，请重新获取。"


def test_no_code_sent_yet():  # R-ID-1
    exc = refused(check, "123456")
    assert exc.code == "sms.no_code" and exc.status == 422


def test_malformed_code_is_refused_without_counting_a_try():  # R-ID-1
    request()
    for bad in ("12345", "1234567", "12a456", "１２３４５６"):
        assert refused(check, bad, at=later(1)).code == "sms.wrong_code"
    assert SmsCode.objects.get().attempts == 0


def test_wrong_tries_lock_the_code_even_for_the_right_digits(settings):  # R-ID-1
    settings.OWNERVOTE_SMS_CODE_MAX_ATTEMPTS = 5
    code = request()
    wrong = other_code(code)
    for left in (4, 3, 2, 1):
        exc = refused(check, wrong, at=later(5))
        assert exc.code == "sms.wrong_code" and exc.details == {"attempts_left": left}
        assert str(exc.message) == f"验证码不正确，还可以再试 {left} 次。"
    exc = refused(check, wrong, at=later(6))
    assert exc.code == "sms.locked" and exc.status == 423
    row = SmsCode.objects.get()
    assert row.attempts == 5 and row.locked_at is not None
    exc = refused(check, code, at=later(7))
    assert exc.code == "sms.locked" and str(exc.message) == "验证码输错次数过多，已失效，请重新获取。"
    assert row.used_at is None
    assert AuditEvent.objects.filter(action="identity.sms_code_locked").count() == 1
    # A new code works.
    fresh = request(at=later(61))
    check(fresh, at=later(62))


def test_a_new_code_replaces_the_old_one():  # R-ID-1
    first = request()
    second = request(at=later(61))
    if first != second:
        assert refused(check, first, at=later(62)).code == "sms.wrong_code"
    check(second, at=later(63))


def test_codes_of_one_number_do_not_open_another():  # R-ID-1
    code = request(mobile="13900000001")
    exc = refused(check, code, mobile="13900000002", at=later(1))
    assert exc.code == "sms.no_code"


# --- sending limits --------------------------------------------------------------------------


def test_resend_interval(settings):  # R-ID-1
    settings.OWNERVOTE_SMS_RESEND_SECONDS = 60
    request()
    exc = refused(request, at=later(45))
    assert exc.code == "sms.too_many" and exc.status == 429 and exc.details == {"retry_after": 15}
    assert str(exc.message) == "验证码刚刚已发送，15 秒后可重新获取。"
    request(at=later(60))
    assert SmsCode.objects.count() == 2


def test_resend_interval_is_per_purpose(settings):  # R-ID-1
    # An owner who has just signed in asks for the verification code at once; a second
    # verification code still waits.
    settings.OWNERVOTE_SMS_RESEND_SECONDS = 60
    request(purpose="sign_in")
    request(at=later(5), purpose="verify")
    exc = refused(request, at=later(10), purpose="verify")
    assert exc.code == "sms.too_many" and exc.details == {"retry_after": 55}


def test_per_number_hourly_and_daily_limits(settings):  # R-ID-1
    settings.OWNERVOTE_SMS_RESEND_SECONDS = 60
    settings.OWNERVOTE_SMS_PER_NUMBER_PER_HOUR = 5
    settings.OWNERVOTE_SMS_PER_NUMBER_PER_DAY = 8
    for i in range(5):
        request(at=later(i * 60), ip=f"203.0.113.{i}")
    exc = refused(request, at=later(300), ip="198.51.100.1")
    assert exc.code == "sms.too_many" and exc.details == {"retry_after": 3300}
    assert str(exc.message) == "该手机号获取验证码次数过多，请 55 分钟后再试。"
    # Another number is not affected.
    request(mobile="13900000002", at=later(300))
    # An hour after the first, one more; the daily limit then stops the ninth.
    for i in range(3):
        request(at=later(3600 + i * 60))
    exc = refused(request, at=later(3600 + 3 * 60))
    assert exc.code == "sms.too_many" and exc.details == {"retry_after": 86400 - 3780}
    request(at=later(86400 + 1))


def test_per_ip_limit(settings):  # R-ID-1
    settings.OWNERVOTE_SMS_PER_IP_PER_HOUR = 3
    for i in range(3):
        request(mobile=f"1390000001{i}", at=later(i), ip="203.0.113.9")
    exc = refused(request, mobile="13900000019", at=later(10), ip="203.0.113.9")
    assert exc.code == "sms.too_many" and exc.details == {"retry_after": 3590}
    assert str(exc.message) == "当前网络获取验证码次数过多，请 60 分钟后再试。"
    request(mobile="13900000019", at=later(10), ip="203.0.113.10")  # another address
    request(mobile="13900000018", at=later(3600), ip="203.0.113.9")  # an hour later


def test_three_locked_codes_block_the_number_for_an_hour(settings):  # R-ID-1
    settings.OWNERVOTE_SMS_CODE_MAX_ATTEMPTS = 2
    for t in (0, 600, 1200):  # three codes, each locked 5 seconds after it was sent
        code = request(at=later(t))
        for _ in range(2):
            refused(check, other_code(code), at=later(t + 5))
    third_lock = 1205
    exc = refused(request, at=later(1800))
    assert exc.code == "sms.too_many" and exc.details == {"retry_after": third_lock + 3600 - 1800}
    assert str(exc.message) == "该手机号验证码输错次数过多，请 51 分钟后再试。"
    assert refused(request, at=later(third_lock + 3599)).code == "sms.too_many"
    request(at=later(third_lock + 3600))


def test_two_locks_do_not_block(settings):  # R-ID-1
    settings.OWNERVOTE_SMS_CODE_MAX_ATTEMPTS = 1
    for t in (0, 100):
        code = request(at=later(t))
        refused(check, other_code(code), at=later(t + 1))
    request(at=later(200))


def test_provider_failure_leaves_no_usable_code(settings):  # R-ID-1
    settings.OWNERVOTE_SMS_BACKEND = "tests.identity.test_sms.RefusingBackend"
    exc = refused(services.sms_code_request, mobile=MOBILE, purpose="sign_in", ip=None)
    assert exc.code == "sms.send_failed" and exc.status == 502
    row = SmsCode.objects.get()
    assert row.sent_at is None
    sms = SentSms.objects.get()
    assert not sms.ok and "isv.BUSINESS_LIMIT_CONTROL" in sms.error
    code = sms.params()["code"]  # the code that never reached the phone
    assert refused(check, code, at=later(1)).code == "sms.no_code"
