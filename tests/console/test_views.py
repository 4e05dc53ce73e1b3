"""The staff console: pages render for their users in Chinese, registration, association decisions,
the second factor, API tokens and authorised staff, all through the real views."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ownervote.audit.models import AuditEvent
from ownervote.core.validators import resident_id_check_digit
from ownervote.orgs.models import ApiToken, Association, AuthorisedStaff, Membership, Organisation, User
from ownervote.orgs.security import issue_enrolment_code

GOV_2FA = {"street_office", "district_bureau", "city_operator"}


def valid_resident_id(first17: str = "44030419900101123") -> str:
    return first17 + resident_id_check_digit(first17)


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def pending_convener_app(staff):
    """The pending application of a preparatory group for estate b (Shatou street)."""
    return Association.objects.get(organisation__memberships__user=staff["pending"])


# ---------------------------------------------------------------- pages render


def test_login_page_is_chinese_and_public(client):
    response = client.get(reverse("console:login"))
    assert response.status_code == 200
    text = body(response)
    assert "登录" in text
    assert "业主大会电子投票" in text
    assert 'lang="zh-CN"' in text


def test_pages_need_sign_in(client, staff):
    for name in (
        "console:home",
        "console:associations",
        "console:tokens",
        "console:staff",
        "console:2fa",
        "console:association_apply",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("console:login")), name


@pytest.mark.parametrize(
    "role", ["city", "district", "street", "community", "convener", "other_street", "pending"]
)
def test_every_page_renders_for_each_role(client, staff, role):
    client.force_login(staff[role])
    for name, marker in [
        ("console:home", "首页"),
        ("console:associations", "申请与审核"),
        ("console:association_apply", "申请关联"),
        ("console:tokens", "API 令牌"),
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200, (role, name)
        text = body(response)
        assert marker in text, (role, name)
        assert staff[role].real_name in text  # the top bar names the user


def test_street_office_home_lists_what_it_must_decide(client, staff, pending_convener_app):
    client.force_login(staff["street"])
    text = body(client.get(reverse("console:home")))
    assert "等待您审核" in text
    assert "金地花园" in text  # the estate applied for
    assert reverse("console:association_decide", args=[pending_convener_app.pk]) in text


def test_home_explains_a_pending_application(client, staff):
    """Staff with no approved association see why they cannot work yet."""
    client.force_login(staff["pending"])
    text = body(client.get(reverse("console:home")))
    assert "申请待审核" in text
    assert "街道办事处审核" in text


def test_estates_link_is_guarded_until_the_roster_pages_exist(client, staff):
    client.force_login(staff["convener"])
    response = client.get(reverse("console:home"))
    assert response.status_code == 200
    assert "您可以查看 1 个小区" in body(response)


# ---------------------------------------------------------------- registration (R-ORG-1)


def test_registration_creates_a_pending_application_and_audit_events(client, estates):
    """R-ORG-1: a convener registers and applies for an estate; nothing takes effect until approved."""
    response = client.get(reverse("console:register"))
    assert response.status_code == 200
    assert "碧海花园" in body(response)
    response = client.post(
        reverse("console:register"),
        {
            "username": "bihai-yeweihui",
            "password": "Pw-for-tests-1",
            "password2": "Pw-for-tests-1",
            "real_name": "李四",
            "mobile": "13800138000",
            "organisation_kind": "owners_committee",
            "organisation_name": "碧海花园业主委员会",
            "credit_code": "",
            "estate": estates["a"].pk,
            "division": "",
            "note": "第三届业委会",
        },
    )
    assert response.status_code == 302, body(response)
    user = User.objects.get(username="bihai-yeweihui")
    assert user.mobile_masked == "138****8000"
    assoc = Association.objects.get(organisation__memberships__user=user)
    assert assoc.status == Association.Status.PENDING
    assert assoc.estate == estates["a"]
    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert {"account.registered", "association.applied"} <= actions
    # Not signed in by the registration (its answer is the same for a taken username): the
    # applicant signs in, and is told why nothing is visible yet.
    assert response["Location"] == reverse("console:login")
    client.force_login(user)
    home = client.get(reverse("console:home"))
    assert "申请待审核" in body(home)


def test_registration_shows_service_errors_next_to_the_form(client, geo, estates):
    """A government body must apply for a division of its own level: the service says so, in Chinese."""
    response = client.post(
        reverse("console:register"),
        {
            "username": "shatou-jd",
            "password": "Pw-for-tests-1",
            "password2": "Pw-for-tests-1",
            "real_name": "王五",
            "mobile": "13800138001",
            "organisation_kind": "street_office",
            "organisation_name": "沙头街道办事处",
            "estate": "",
            "division": geo["futian"].pk,  # a district, not a street
        },
    )
    assert response.status_code == 422
    text = body(response)
    assert "街道办事处" in text and "关联" in text
    assert not User.objects.filter(username="shatou-jd").exists()


def test_registration_refuses_a_bad_mobile_on_its_field(client, estates):
    response = client.post(
        reverse("console:register"),
        {
            "username": "x-user",
            "password": "Pw-for-tests-1",
            "password2": "Pw-for-tests-1",
            "real_name": "赵六",
            "mobile": "12345",
            "organisation_kind": "owners_committee",
            "organisation_name": "某业委会",
            "estate": estates["a"].pk,
        },
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert "mobile" in form.errors
    assert "手机号码" in form.errors["mobile"][0]
    assert not User.objects.filter(username="x-user").exists()


def test_password_rules_are_explained_in_chinese(client, estates):
    response = client.post(
        reverse("console:register"),
        {
            "username": "short-pw",
            "password": "abc",
            "password2": "abc",
            "real_name": "赵六",
            "mobile": "13800138002",
            "organisation_kind": "owners_committee",
            "organisation_name": "某业委会",
            "estate": estates["a"].pk,
        },
    )
    assert response.status_code == 422
    assert "密码太短" in response.context["form"].errors["password"][0]


def test_estate_picker_filters_by_street(client, geo, estates):
    response = client.get(reverse("console:register"), {"f-street": geo["yuehai"].pk})
    text = body(response)
    assert "科苑小区" in text
    assert "碧海花园" not in text


# ---------------------------------------------------------------- decisions (R-ORG-1)


def test_street_office_approves_a_convener(client, staff, pending_convener_app):
    """R-ORG-1: the street office approves a convener's association."""
    client.force_login(staff["street"])
    url = reverse("console:association_decide", args=[pending_convener_app.pk])
    assert "审核" in body(client.get(url))
    response = client.post(url, {"decision": "approved", "next": reverse("console:associations")})
    assert response.status_code == 302
    assert response["Location"] == reverse("console:associations")
    pending_convener_app.refresh_from_db()
    assert pending_convener_app.status == Association.Status.APPROVED
    assert pending_convener_app.decided_by == staff["street"]
    assert AuditEvent.objects.filter(
        action="association.approved", object_id=str(pending_convener_app.pk)
    ).exists()
    assert "已批准" in body(client.get(reverse("console:associations")))


def test_refusal_without_reason_is_refused_in_chinese_and_changes_nothing(
    client, staff, pending_convener_app
):
    """R-ORG-1: a refusal must give its reason."""
    client.force_login(staff["street"])
    url = reverse("console:association_decide", args=[pending_convener_app.pk])
    events_before = AuditEvent.objects.count()
    response = client.post(url, {"decision": "refused", "reason": "  "})
    assert response.status_code == 422
    assert "请说明作出该决定的理由" in body(response)
    pending_convener_app.refresh_from_db()
    assert pending_convener_app.status == Association.Status.PENDING
    assert AuditEvent.objects.count() == events_before


def test_street_office_refuses_with_a_reason(client, staff, pending_convener_app):
    client.force_login(staff["street"])
    url = reverse("console:association_decide", args=[pending_convener_app.pk])
    response = client.post(url, {"decision": "refused", "reason": "筹备组成员名单未经公示"})
    assert response.status_code == 302
    pending_convener_app.refresh_from_db()
    assert pending_convener_app.status == Association.Status.REFUSED
    assert pending_convener_app.reason == "筹备组成员名单未经公示"
    # The applicant sees the outcome and the reason.
    client.force_login(staff["pending"])
    text = body(client.get(reverse("console:home")))
    assert "已拒绝" in text and "筹备组成员名单未经公示" in text


def test_another_street_gets_404_on_the_decision_url(client, staff, pending_convener_app):
    """R-ORG-1: only the estate's own street office decides; others cannot even see the application."""
    client.force_login(staff["other_street"])
    url = reverse("console:association_decide", args=[pending_convener_app.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "approved"}).status_code == 404
    assert client.post(url, {"decision": "refused", "reason": "x"}).status_code == 404
    pending_convener_app.refresh_from_db()
    assert pending_convener_app.status == Association.Status.PENDING
    # Nor can the applicant decide its own application.
    client.force_login(staff["pending"])
    assert client.post(url, {"decision": "approved"}).status_code == 404


def test_district_approves_a_street_office_and_revokes_with_reason(client, geo, staff, make_staff):
    """R-ORG-1: a street office's association is approved by its district bureau."""
    new_street = make_staff("street_office", division=geo["xiangmihu"], status="pending")
    assoc = Association.objects.get(organisation__memberships__user=new_street)
    client.force_login(staff["district"])
    assert "香蜜湖街道" in body(client.get(reverse("console:associations"), {"status": "pending"}))
    url = reverse("console:association_decide", args=[assoc.pk])
    assert client.post(url, {"decision": "approved"}).status_code == 302
    response = client.post(url, {"decision": "revoked", "reason": ""})
    assert response.status_code == 422
    assert "请说明作出该决定的理由" in body(response)
    assert client.post(url, {"decision": "revoked", "reason": "人员调整"}).status_code == 302
    assoc.refresh_from_db()
    assert assoc.status == Association.Status.REVOKED
    # A street office cannot decide a street office's application (its district does).
    client.force_login(staff["street"])
    assert client.get(url).status_code == 404


def test_status_filter(client, staff, pending_convener_app):
    client.force_login(staff["street"])
    text = body(client.get(reverse("console:associations"), {"status": "approved"}))
    assert "金地花园" not in text
    text = body(client.get(reverse("console:associations"), {"status": "pending"}))
    assert "金地花园" in text


def test_apply_for_another_estate(client, staff, estates):
    """R-ORG-1: an existing convener applies for another estate; it waits for the street office."""
    client.force_login(staff["convener"])
    org = Organisation.objects.get(memberships__user=staff["convener"])
    response = client.post(
        reverse("console:association_apply"),
        {"organisation": org.pk, "estate": estates["b"].pk, "division": "", "note": ""},
    )
    assert response.status_code == 302
    assert Association.objects.filter(organisation=org, estate=estates["b"], status="pending").exists()
    # Applying twice is refused with the service's message.
    response = client.post(
        reverse("console:association_apply"),
        {"organisation": org.pk, "estate": estates["b"].pk, "division": "", "note": ""},
    )
    assert response.status_code == 422
    assert "已有待审核或已批准的关联" in body(response)


# ---------------------------------------------------------------- second factor


def _wrong_code(device) -> str:
    """A code that no step near now would produce (the device accepts one step either way)."""
    near = {totp(device.bin_key, step=device.step, t0=device.t0, drift=d) for d in range(-3, 4)}
    return next(f"{n:06d}" for n in range(1_000_000) if n not in near)


def test_district_user_must_enrol_a_second_factor_then_reaches_home(client, staff, settings):
    settings.OWNERVOTE_REQUIRE_2FA_KINDS = GOV_2FA
    user = staff["district"]
    client.force_login(user)
    response = client.get(reverse("console:associations") + "?status=pending")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == reverse("console:2fa")
    assert parse_qs(target.query)["next"] == [reverse("console:associations") + "?status=pending"]

    # R-SEC-1: first the one-time enrolment code issued by the city operator, who approved it.
    _, code = issue_enrolment_code(actor=staff["city"], user_id=user.pk)
    assert "<svg" not in body(client.get(response["Location"]))
    assert client.post(response["Location"], {"code": code}).status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = body(page)
    assert "两步验证" in text
    assert "<svg" in text  # the QR code, inline
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert page.context["secret_groups"].replace(" ", "") in text.replace(" ", "")

    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
    response = client.post(response["Location"], {"token": code})
    assert response.status_code == 302
    assert response["Location"] == reverse("console:associations") + "?status=pending"
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="2fa.enrolled", actor=user).exists()
    assert client.get(reverse("console:home")).status_code == 200


def test_enrolled_user_verifies_at_next_sign_in(client, staff, settings):
    settings.OWNERVOTE_REQUIRE_2FA_KINDS = GOV_2FA
    user = staff["street"]
    device = TOTPDevice.objects.create(user=user, name="console", confirmed=True)
    client.force_login(user)
    assert client.get(reverse("console:home"))["Location"].startswith(reverse("console:2fa"))
    page = client.get(reverse("console:2fa"))
    assert "<svg" not in body(page)  # no new enrolment: the secret is never shown again
    code = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("console:2fa"), {"token": code, "next": reverse("console:home")})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="2fa.verified", actor=user).exists()
    assert client.get(reverse("console:home")).status_code == 200


def test_wrong_code_is_refused_and_throttled(client, staff, settings):
    settings.OWNERVOTE_REQUIRE_2FA_KINDS = GOV_2FA
    user = staff["district"]
    device = TOTPDevice.objects.create(user=user, name="console", confirmed=True)
    client.force_login(user)
    response = client.post(reverse("console:2fa"), {"token": _wrong_code(device)})
    assert response.status_code == 422
    assert "验证码错误" in body(response)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Right away even the right code is refused: django-otp's back-off.
    response = client.post(reverse("console:2fa"), {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 422
    assert "错误次数过多" in body(response)
    assert client.get(reverse("console:home")).status_code == 302
    assert not AuditEvent.objects.filter(action="2fa.verified", actor=user).exists()


def test_2fa_page_logout_and_language_switch_stay_reachable(client, staff, settings):
    settings.OWNERVOTE_REQUIRE_2FA_KINDS = GOV_2FA
    client.force_login(staff["city"])
    assert client.get(reverse("console:2fa")).status_code == 200
    assert (
        client.post(reverse("set_language"), {"language": "en", "next": reverse("console:2fa")}).status_code
        == 302
    )
    page = client.get(reverse("console:2fa"))
    assert "Two-step verification" in body(page)
    # No navigation to pages the user cannot reach yet.
    assert reverse("console:tokens") not in body(page)
    response = client.post(reverse("console:logout"))
    assert response.status_code == 302
    assert client.get(reverse("console:home"))["Location"].startswith(reverse("console:login"))


def test_api_requires_the_second_factor_too(client, staff, settings):
    settings.OWNERVOTE_REQUIRE_2FA_KINDS = GOV_2FA
    client.force_login(staff["district"])
    response = client.get("/api/orgs/anything")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "auth.second_factor_required"


def test_no_second_factor_in_dev_settings_for_convener(client, staff, settings):
    settings.OWNERVOTE_REQUIRE_2FA_KINDS = GOV_2FA
    client.force_login(staff["convener"])  # conveners are not in the list
    assert client.get(reverse("console:home")).status_code == 200


def test_external_next_is_not_followed(client, staff, settings):
    # At sign-in...
    response = client.post(
        reverse("console:login") + "?next=https://evil.example/steal",
        {
            "username": staff["convener"].username,
            "password": "Pw-for-tests-1",
            "next": "https://evil.example/steal",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("console:home")
    # ...and after the second factor.
    settings.OWNERVOTE_REQUIRE_2FA_KINDS = GOV_2FA
    user = staff["district"]
    device = TOTPDevice.objects.create(user=user, name="console", confirmed=True)
    client.force_login(user)
    response = client.post(
        reverse("console:2fa") + "?next=//evil.example/x",
        {"token": f"{totp(device.bin_key):06d}", "next": "//evil.example/x"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("console:home")


def test_sign_in_and_out(client, staff):
    page = client.get(reverse("console:login"))
    assert "用户名" in body(page)
    response = client.post(
        reverse("console:login"), {"username": staff["street"].username, "password": "wrong"}
    )
    assert response.status_code == 200
    assert "请输入一个正确的" in body(response) or "正确" in body(response)
    response = client.post(
        reverse("console:login"), {"username": staff["street"].username, "password": "Pw-for-tests-1"}
    )
    assert response.status_code == 302
    assert client.get(reverse("console:logout")).status_code == 405  # POST only
    assert client.post(reverse("console:logout")).status_code == 302
    assert client.get(reverse("console:home")).status_code == 302


# ---------------------------------------------------------------- language


def test_language_switch_to_english(client, staff):
    client.force_login(staff["street"])
    assert "我的申请/审核" in body(client.get(reverse("console:home")))
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("console:home")})
    assert response.status_code == 302
    text = body(client.get(reverse("console:home")))
    assert "My applications / approvals" in text and "Estates" in text
    assert "我的申请" not in text
    assert 'lang="en"' in text
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("console:home")})
    assert "我的申请/审核" in body(client.get(reverse("console:home")))


# ---------------------------------------------------------------- API tokens


def test_token_key_is_shown_once_and_can_be_revoked(client, staff):
    client.force_login(staff["convener"])
    response = client.post(reverse("console:tokens"), {"name": "小程序测试"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key.startswith("ov_") and key in body(response)
    assert "只显示这一次" in body(response)
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=staff["convener"])
    assert token.key_hash == ApiToken.hash_key(key)
    listing = body(client.get(reverse("console:tokens")))
    assert key not in listing and token.prefix in listing and "小程序测试" in listing
    # Someone else cannot revoke it.
    client.force_login(staff["street"])
    assert client.post(reverse("console:token_revoke", args=[token.pk])).status_code == 404
    client.force_login(staff["convener"])
    assert client.get(reverse("console:token_revoke", args=[token.pk])).status_code == 405
    assert client.post(reverse("console:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "已撤销" in body(client.get(reverse("console:tokens")))


def test_token_needs_a_name(client, staff):
    client.force_login(staff["convener"])
    response = client.post(reverse("console:tokens"), {"name": ""})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


# ---------------------------------------------------------------- authorised staff (R-ORG-2)


@pytest.fixture
def owner_org_admin(estates, make_staff):
    return make_staff("owner_organisation", estate=estates["a"])


def test_staff_page_only_for_organisation_owners(client, staff, owner_org_admin):
    """R-ORG-2: the page belongs to organisation owners' administrators."""
    client.force_login(staff["convener"])
    assert client.get(reverse("console:staff")).status_code == 404
    assert "授权人员" not in body(client.get(reverse("console:home")))
    client.force_login(owner_org_admin)
    assert "授权人员" in body(client.get(reverse("console:home")))
    response = client.get(reverse("console:staff"))
    assert response.status_code == 200
    assert "授权人员" in body(response)


def test_organisation_owner_authorises_and_revokes_staff(client, owner_org_admin):
    """R-ORG-2: an organisation owner authorises named staff (masked in the list) and revokes them."""
    org = Organisation.objects.get(memberships__user=owner_org_admin)
    client.force_login(owner_org_admin)
    id_number = valid_resident_id()
    response = client.post(
        reverse("console:staff") + f"?org={org.pk}",
        {
            "organisation": org.pk,
            "name": "陈大文",
            "id_number": id_number,
            "mobile": "13912345678",
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
        },
    )
    assert response.status_code == 302, body(response)
    person = AuthorisedStaff.objects.get(organisation=org)
    text = body(client.get(reverse("console:staff")))
    assert "陈*文" in text and "139****5678" in text and "4403**********" in text
    assert "陈大文" not in text and id_number not in text and "13912345678" not in text
    assert AuditEvent.objects.filter(action="staff.authorised").exists()
    # The same person twice is refused on the ID field.
    response = client.post(
        reverse("console:staff"),
        {
            "organisation": org.pk,
            "name": "陈大文",
            "id_number": id_number,
            "mobile": "13912345678",
            "valid_from": "2026-01-01",
        },
    )
    assert response.status_code == 422
    assert "id_number" in response.context["form"].errors
    # A term that ends before it starts is refused.
    response = client.post(
        reverse("console:staff"),
        {
            "organisation": org.pk,
            "name": "林小明",
            "id_number": valid_resident_id("44030519850505321"),
            "mobile": "13912345679",
            "valid_from": "2026-06-01",
            "valid_until": "2026-05-01",
        },
    )
    assert response.status_code == 422
    assert "valid_until" in response.context["form"].errors
    assert client.post(reverse("console:staff_revoke", args=[org.pk, person.pk])).status_code == 302
    person.refresh_from_db()
    assert person.revoked_at is not None


def test_staff_of_another_organisation_cannot_be_revoked(client, estates, make_staff, owner_org_admin):
    """R-ORG-2: only the organisation's own administrators manage its staff."""
    org = Organisation.objects.get(memberships__user=owner_org_admin)
    person = AuthorisedStaff(organisation=org, valid_from=dt.date(2026, 1, 1), authorised_by=owner_org_admin)
    from ownervote.core import pii

    pii.seal(person, "name", "陈大文")
    pii.seal(person, "id_number", valid_resident_id())
    pii.seal(person, "mobile", "13912345678")
    person.save()
    intruder = make_staff("owner_organisation", estate=estates["c"])
    client.force_login(intruder)
    assert client.post(reverse("console:staff_revoke", args=[org.pk, person.pk])).status_code == 404
    assert client.get(reverse("console:staff") + f"?org={org.pk}").status_code == 404
    # A plain member (not administrator) of the owner does not manage staff either.
    member = User.objects.create_user(username="member1", password="Pw-for-tests-1")
    Membership.objects.create(user=member, organisation=org, role="member")
    client.force_login(member)
    assert client.post(reverse("console:staff_revoke", args=[org.pk, person.pk])).status_code == 404
    person.refresh_from_db()
    assert person.revoked_at is None
