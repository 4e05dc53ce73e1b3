"""send_sms: the row first, the provider's answer on it, a refusal reported as 502."""

from __future__ import annotations

import logging

import pytest

from ownervote.core.errors import ServiceError
from ownervote.identity.models import SentSms
from ownervote.identity.sms import BaseBackend, SmsError, get_backend, render, send_sms
from ownervote.identity.sms.backends import ConsoleBackend

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseBackend):
    """A provider that refuses everything, as Alibaba Cloud does when its flow control trips."""

    def send(self, message):
        raise SmsError("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1")


def test_console_backend_by_default_and_configurable(settings):
    assert isinstance(get_backend(), ConsoleBackend)
    settings.OWNERVOTE_SMS_BACKEND = "tests.identity.test_sms.RefusingBackend"
    assert isinstance(get_backend(), RefusingBackend)


def test_send_sms_records_the_message(capsys, caplog):  # R-SEC-1
    with caplog.at_level(logging.INFO, logger="ownervote.sms"):
        row = send_sms(mobile="13900000001", template="sign_in_code", params={"code": "123456"})
    assert row.ok and row.provider_ref.startswith("console-") and row.error == ""
    assert row.mobile_masked == "139****0001" and "13900000001" not in row.mobile_enc
    assert "123456" not in row.params_enc and row.params() == {"code": "123456"}
    assert row.backend == "ownervote.identity.sms.backends.ConsoleBackend"
    text = "【业主大会投票】您的登录验证码为123456，5分钟内有效。请勿告诉他人。"
    out = capsys.readouterr().out
    assert text in out and "139****0001" in out and "13900000001" not in out
    assert any(text in r.getMessage() for r in caplog.records)


def test_templates_render_in_chinese(settings):
    settings.OWNERVOTE_SMS_CODE_TTL_SECONDS = 600
    assert render("verify_code", {"code": "000111"}) == (
        "【业主大会投票】您正在进行业主身份核验，验证码为000111，10分钟内有效。请勿告诉他人。"
    )
    assert render("notice", {"title": "您的异议已受理"}) == (
        "【业主大会投票】您有一条新消息：您的异议已受理。请进入业主大会投票平台查看。"
    )


def test_unknown_template_or_wrong_params_are_programming_errors():
    with pytest.raises(ValueError):
        send_sms(mobile="13900000001", template="marketing", params={})
    with pytest.raises(ValueError):
        send_sms(mobile="13900000001", template="notice", params={"code": "1"})
    assert not SentSms.objects.exists()


def test_bad_mobile_is_refused():
    with pytest.raises(ServiceError) as info:
        send_sms(mobile="1234", template="notice", params={"title": "t"})
    assert info.value.code == "sms.bad_mobile" and info.value.status == 422
    assert not SentSms.objects.exists()


def test_provider_refusal_is_recorded_then_raised(settings):
    settings.OWNERVOTE_SMS_BACKEND = "tests.identity.test_sms.RefusingBackend"
    with pytest.raises(ServiceError) as info:
        send_sms(mobile="13900000001", template="notice", params={"title": "通知"})
    exc = info.value
    assert exc.code == "sms.send_failed" and exc.status == 502
    assert str(exc.message) == "短信发送失败（触发分钟级流控Permits:1），请稍后再试。"
    assert exc.details == {
        "provider_code": "isv.BUSINESS_LIMIT_CONTROL",
        "provider_message": "触发分钟级流控Permits:1",
    }
    row = SentSms.objects.get()
    assert (
        not row.ok
        and row.error.startswith("isv.BUSINESS_LIMIT_CONTROL")
        and row.params() == {"title": "通知"}
    )
