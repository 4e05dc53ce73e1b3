"""Console sign-in security (issue 19, point 4; R-SEC-1 personal data is not misused, R-SEC-2 the
audit log): password sign-in is throttled per account+address, per account and per address, and
every failure and lockout is audited; every staff account (conveners included) passes a TOTP
second factor before the console or the session API, and enrolling one needs a one-time enrolment
code issued by whoever manages the account."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.checks import run_checks
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ownervote.audit.models import AuditEvent
from ownervote.notify.models import Notification
from ownervote.orgs.models import ApiToken, EnrolmentCode, Organisation
from ownervote.orgs.security import issue_enrolment_code

PASSWORD = "Pw-for-tests-1"
ALL_KINDS = set(Organisation.Kind.values)
TWO_FACTOR = pytest.mark.parametrize("settings_2fa", [True], indirect=True)


@pytest.fixture
def settings_2fa(settings):
    """Production's rule in the test settings: every staff kind must pass the second factor."""
    settings.OWNERVOTE_REQUIRE_2FA_KINDS = ALL_KINDS
    return settings


def _sign_in(client, username: str, password: str, **extra):
    return client.post(reverse("console:login"), {"username": username, "password": password}, **extra)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def _verified(client, user) -> None:
    """Sign ``user`` in and pass the second factor with a device of theirs."""
    device = TOTPDevice.objects.create(user=user, name="console", confirmed=True)
    client.force_login(user)
    assert client.post(reverse("console:2fa"), {"token": _code(device)}).status_code == 302


# ---------------------------------------------------------------- throttle and audit


def test_forty_wrong_passwords_then_the_right_one_is_refused_r_sec_1(client, staff):
    """R-SEC-1, R-SEC-2: the probe's 40 wrong passwords in a row lock the account at this address
    after 5; the right password is then refused too, with a Chinese page that says when to retry
    and whom to ask. The 5 failures and the lockout are in the audit log, never the password."""
    user = staff["convener"]
    for _ in range(40):
        response = _sign_in(client, user.username, "wrong-password-x")
    assert response.status_code == 429
    response = _sign_in(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)
    text = response.content.decode()
    assert "登录已暂停" in text and "之后再试" in text and "市住房和建设局" in text
    failures = AuditEvent.objects.filter(action="auth.sign_in_failed").order_by("id")
    assert failures.count() == 5  # tries while locked out are refused unchecked, not logged
    assert failures[0].summary == {
        "username": user.username,
        "address": "127.0.0.1",
        "reason": "wrong_password",
    }
    assert failures[0].object_id == str(user.pk) and failures[0].actor_id is None
    locked = AuditEvent.objects.get(action="auth.locked_out")
    assert locked.summary["username"] == user.username and locked.summary["until"]
    assert not AuditEvent.objects.filter(summary__icontains="wrong-password-x").exists()
    # The holder is told (once): if it was not them, they know to ask.
    told = Notification.objects.get(user=user, kind="account.locked_out")
    assert "已暂停登录" in told.title


def test_a_right_password_before_the_limit_signs_in_r_sec_1(client, staff):
    user = staff["convener"]
    for _ in range(4):
        assert _sign_in(client, user.username, "wrong-password-x").status_code == 200
    assert _sign_in(client, user.username, PASSWORD).status_code == 302
    assert _signed_in(client)


def test_per_address_throttle_across_accounts_r_sec_1(client, staff, settings):
    """R-SEC-1: 30 failures from one address, spread over accounts so that none reaches its own
    limit, lock that address for every account; another address is not affected."""
    settings.OWNERVOTE_TRUSTED_PROXY_COUNT = 1  # behind the production proxy: X-Forwarded-For
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.7", "REMOTE_ADDR": "10.0.0.1"}
    for n in range(30):
        _sign_in(client, f"guess{n % 10}", "wrong-password-x", **attacker)
    response = _sign_in(client, staff["street"].username, PASSWORD, **attacker)
    assert response.status_code == 429 and not _signed_in(client)
    assert (
        AuditEvent.objects.filter(action="auth.sign_in_failed", summary__reason="unknown_username").count()
        == 30
    )
    assert AuditEvent.objects.get(action="auth.locked_out").summary["address"] == "203.0.113.7"
    # Same proxy, another client behind it.
    other = {"HTTP_X_FORWARDED_FOR": "203.0.113.8", "REMOTE_ADDR": "10.0.0.1"}
    assert _sign_in(client, staff["street"].username, PASSWORD, **other).status_code == 302


def test_per_account_throttle_across_addresses_r_sec_1(client, staff):
    """R-SEC-1: 20 failures for one account from 10 addresses lock the account everywhere."""
    user = staff["street"]
    for n in range(20):
        _sign_in(client, user.username, "wrong-password-x", REMOTE_ADDR=f"198.51.100.{n % 10}")
    assert _sign_in(client, user.username, PASSWORD, REMOTE_ADDR="198.51.100.99").status_code == 429


def test_the_approver_lifts_a_lockout_r_sec_1(client, staff):
    """R-SEC-1, R-SEC-2: the convener's approver (its street office) unlocks it in the console;
    another street office cannot (not found). Audited."""
    user = staff["convener"]
    for _ in range(5):
        _sign_in(client, user.username, "wrong-password-x")
    assert _sign_in(client, user.username, PASSWORD).status_code == 429
    client.force_login(staff["other_street"])
    assert client.post(reverse("console:account_unlock", args=[user.pk])).status_code == 404
    client.force_login(staff["street"])
    page = client.get(reverse("console:accounts")).content.decode()
    assert user.username in page and "解除登录锁定" in page
    assert client.post(reverse("console:account_unlock", args=[user.pk])).status_code == 302
    assert AuditEvent.objects.get(action="auth.unlocked").actor == staff["street"]
    client.logout()
    assert _sign_in(client, user.username, PASSWORD).status_code == 302


def test_unlock_signin_command_r_sec_1(client, staff):
    user = staff["convener"]
    for _ in range(5):
        _sign_in(client, user.username, "wrong-password-x")
    call_command("unlock_signin", user.username, reason="本人来电核实", by="陈建国")
    assert AuditEvent.objects.get(action="auth.unlocked").actor_label == "admin:陈建国"
    assert _sign_in(client, user.username, PASSWORD).status_code == 302


# ---------------------------------------------------------------- the second factor for conveners


@TWO_FACTOR
def test_a_convener_must_pass_totp_before_console_and_api_r_sec_1(client, staff, settings_2fa):
    """R-SEC-1: a convener (who can reveal full ID numbers) with a password only reaches neither the
    console nor the session API."""
    client.force_login(staff["convener"])
    assert client.get(reverse("console:home"))["Location"].startswith(reverse("console:2fa"))
    assert client.get(f"/console/estates/{1}/").status_code == 302
    response = client.get("/api/me")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "auth.second_factor_required"
    response = client.post("/api/orgs/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403 and not ApiToken.objects.exists()


@TWO_FACTOR
def test_enrolment_needs_the_code_wrong_expired_used_refused_right_works_r_sec_1(client, staff, settings_2fa):
    """R-SEC-1, R-ROLE: without an enrolment code no secret is shown; a wrong, expired or used code
    is refused (and audited); the right one, issued by the convener's street office, leads to the QR
    code, and a first TOTP code confirms the device and opens the console."""
    user = staff["convener"]
    client.force_login(user)
    url = reverse("console:2fa")
    page = client.get(url)
    assert (
        page.status_code == 200 and "启用码" in page.content.decode() and "<svg" not in page.content.decode()
    )
    assert not TOTPDevice.objects.filter(user=user).exists()
    response = client.post(url, {"code": "ABCD-EFGH-JKLM"})
    assert response.status_code == 422 and "尚未为您的账号签发启用码" in response.content.decode()

    row, code = issue_enrolment_code(actor=staff["street"], user_id=user.pk)
    assert len(code) == 14 and code not in row.code_hash  # hashed, never stored
    response = client.post(url, {"code": "ABCD-EFGH-JKLM"})
    assert response.status_code == 422 and "启用码错误" in response.content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=73), tick=True):
        client.force_login(user)  # 73 idle hours end a staff session (R-SEC-1 sessions): sign in again
        response = client.post(url, {"code": code})
        assert response.status_code == 422 and "已过期" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()

    _, code = issue_enrolment_code(actor=staff["street"], user_id=user.pk)
    response = client.post(url, {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "<svg" in page  # now the QR code
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(url, {"token": _code(device), "next": reverse("console:home")}).status_code == 302
    assert client.get(reverse("console:home")).status_code == 200
    assert client.get("/api/me").status_code == 200
    actions = list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert (
        actions.count("2fa.code_refused") == 3
        and "2fa.code_redeemed" in actions
        and "2fa.enrolled" in actions
    )

    # The code is used up: another session cannot enrol with it.
    client.logout()
    TOTPDevice.objects.filter(user=user).delete()
    client.force_login(user)
    response = client.post(url, {"code": code})
    assert response.status_code == 422 and "已使用" in response.content.decode()


@TWO_FACTOR
def test_five_wrong_enrolment_codes_revoke_the_code_r_sec_1(client, staff, settings_2fa):
    user = staff["convener"]
    _, code = issue_enrolment_code(actor=staff["street"], user_id=user.pk)
    client.force_login(user)
    for _ in range(5):
        assert client.post(reverse("console:2fa"), {"code": "WRONG-WRONG-WR"}).status_code == 422
    assert EnrolmentCode.objects.get(user=user).revoked_at is not None
    assert client.post(reverse("console:2fa"), {"code": code}).status_code == 422


def test_who_may_issue_an_enrolment_code_r_role(client, staff):
    """R-ROLE: the approver (the street office for its convener), the city operator; not another
    street office, not the convener for its street office, never oneself. Shown once, audited."""
    convener = staff["convener"]
    client.force_login(staff["other_street"])
    assert client.post(reverse("console:account_code", args=[convener.pk])).status_code == 404
    client.force_login(convener)
    assert client.post(reverse("console:account_code", args=[staff["street"].pk])).status_code == 404
    assert client.post(reverse("console:account_code", args=[convener.pk])).status_code == 404
    client.force_login(staff["city"])
    assert client.post(reverse("console:account_code", args=[convener.pk])).status_code == 200
    client.force_login(staff["street"])
    response = client.post(reverse("console:account_code", args=[convener.pk]))
    assert (
        response.status_code == 200
        and "Cache-Control" in response
        and "no-store" in response["Cache-Control"]
    )
    assert "仅显示这一次" in response.content.decode()
    codes = EnrolmentCode.objects.filter(user=convener)
    assert codes.count() == 2 and codes.filter(revoked_at__isnull=True).count() == 1  # the older one revoked
    assert AuditEvent.objects.filter(action="2fa.code_issued", actor=staff["street"]).count() == 1
    assert Notification.objects.filter(user=convener, kind="account.code_issued").count() == 2


def test_enrolment_code_api_r_role(client, staff):
    client.force_login(staff["other_street"])
    response = client.post(f"/api/orgs/accounts/{staff['convener'].pk}/enrolment-code")
    assert response.status_code == 404 and response.json()["error"]["code"] == "account.not_found"
    client.force_login(staff["street"])
    # Its street's community committee and conveners, approved or waiting for its decision.
    assert [a["username"] for a in client.get("/api/orgs/accounts").json()] == sorted(
        [staff["community"].username, staff["convener"].username, staff["pending"].username]
    )
    response = client.post(f"/api/orgs/accounts/{staff['convener'].pk}/enrolment-code")
    assert response.status_code == 201 and len(response.json()["code"]) == 14


@TWO_FACTOR
def test_reset_needs_a_new_enrolment_code_r_sec_1(client, staff, settings_2fa):
    """R-SEC-1: after a reset (lost phone) the old device and any earlier code are void; only a new
    code enrols."""
    user = staff["convener"]
    TOTPDevice.objects.create(user=user, name="console", confirmed=True)
    _, old = issue_enrolment_code(actor=staff["street"], user_id=user.pk)
    call_command("reset_2fa", user.username, reason="手机遗失", by="陈建国")
    assert not TOTPDevice.objects.filter(user=user).exists()
    client.force_login(user)
    assert client.post(reverse("console:2fa"), {"code": old}).status_code == 422
    _verified(client, staff["street"])
    TOTPDevice.objects.create(user=user, name="console", confirmed=True)
    response = client.post(reverse("console:account_reset", args=[user.pk]), {"reason": ""})
    assert response.status_code == 422 and TOTPDevice.objects.filter(user=user).exists()
    response = client.post(
        reverse("console:account_reset", args=[user.pk]), {"reason": "手机遗失，已当面核实"}
    )
    assert response.status_code == 200 and not TOTPDevice.objects.filter(user=user).exists()
    new = response.context["issued"]["code"]
    client.force_login(user)
    assert client.post(reverse("console:2fa"), {"code": new}).status_code == 302


@TWO_FACTOR
def test_api_tokens_only_from_a_verified_session_r_sec_1(client, staff, settings_2fa):
    """R-SEC-1: a token skips the second factor, so it is created only from a session that passed it
    (a pending account, which the second factor does not stop yet, is refused too)."""
    client.force_login(staff["pending"])
    response = client.post("/api/orgs/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "token.second_factor_required"
    _verified(client, staff["convener"])
    response = client.post("/api/orgs/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 201
    key = response.json()["key"]
    client.logout()
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_deploy_check_refuses_partial_2fa_and_the_demo_hint(settings):
    settings.OWNERVOTE_REQUIRE_2FA_KINDS = {"street_office", "district_bureau", "city_operator"}
    settings.OWNERVOTE_DEMO_TOTP_HINT = True
    ids = {e.id for e in run_checks(include_deployment_checks=True)}
    assert {"orgs.E001", "orgs.E002"} <= ids
    settings.OWNERVOTE_REQUIRE_2FA_KINDS = ALL_KINDS
    settings.OWNERVOTE_DEMO_TOTP_HINT = False
    ids = {e.id for e in run_checks(include_deployment_checks=True)}
    assert not {"orgs.E001", "orgs.E002"} & ids
