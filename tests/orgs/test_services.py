"""R-ORG-1 (registration and association approval up the hierarchy, art. 4-6) and R-ORG-2
(organisation owners authorise named staff, art. 31)."""

from __future__ import annotations

import datetime as dt

import pytest

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.orgs import scoping, services
from ownervote.orgs.models import Association, AuthorisedStaff, Organisation, User
from ownervote.roster.selectors import estates_visible_to
from tests.rosterfiles import credit_code, person_id

S = Association.Status


def _register(estate=None, division=None, kind="owners_committee", username="yzw"):
    return services.register_account(
        username=username,
        password="A-long-enough-pw-7",
        real_name="林业委",
        mobile="13900001111",
        organisation_kind=kind,
        organisation_name="碧海花园业主委员会",
        estate=estate,
        division=division,
    )


def _register_company(estate, username: str, n: int):
    """An organisation owner (R-ORG-2) applying for the estate it owns flats in."""
    return services.register_account(
        username=username,
        password="A-long-enough-pw-7",
        real_name="王经理",
        mobile="13900002222",
        organisation_kind="owner_organisation",
        organisation_name="深圳某某投资有限公司",
        credit_code=credit_code(n),
        estate=estate,
    )


def test_a_convener_registers_and_the_street_office_approves(staff, estates):  # R-ORG-1
    user, assoc = _register(estate=estates["a"])
    assert assoc.status == S.PENDING
    assert not estates_visible_to(user).exists()  # nothing until approved
    services.decide_association(actor=staff["street"], association_id=assoc.pk, decision=S.APPROVED)
    scoping.forget(user)
    assert list(estates_visible_to(user)) == [estates["a"]]
    assert scoping.can_keep_roster(user, estates["a"])
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert {"account.registered", "association.applied", "association.approved"} <= set(actions)


def test_only_the_estates_own_street_office_decides(staff, estates):  # R-ORG-1 (art. 5)
    applicant, assoc = _register(estate=estates["a"])
    for who in ("other_street", "district", "city", "community", "convener"):
        with pytest.raises(NotFound):
            services.decide_association(actor=staff[who], association_id=assoc.pk, decision=S.APPROVED)
    with pytest.raises(Forbidden):  # the applicant sees its own application but cannot approve it
        services.decide_association(actor=applicant, association_id=assoc.pk, decision=S.APPROVED)
    assoc.refresh_from_db()
    assert assoc.status == S.PENDING


def test_a_street_office_is_approved_by_its_district(staff, geo):  # R-ORG-1 (art. 4)
    user, assoc = _register(division=geo["xiangmihu"], kind="street_office", username="xmh")
    with pytest.raises(NotFound):  # a street office cannot approve another street office
        services.decide_association(actor=staff["street"], association_id=assoc.pk, decision=S.APPROVED)
    services.decide_association(actor=staff["district"], association_id=assoc.pk, decision=S.APPROVED)
    scoping.forget(user)
    assert scoping.user_kinds(user) == {"street_office"}


def test_a_district_bureau_is_approved_by_the_city(staff, geo):  # R-ORG-1 (art. 3, 4)
    _, assoc = _register(division=geo["nanshan"], kind="district_bureau", username="ns")
    services.decide_association(actor=staff["city"], association_id=assoc.pk, decision=S.APPROVED)
    assert Association.objects.get(pk=assoc.pk).status == S.APPROVED


def test_refusal_needs_a_reason_and_is_final(staff, estates):  # R-ORG-1
    _, assoc = _register(estate=estates["a"])
    with pytest.raises(InvalidInput) as exc:
        services.decide_association(actor=staff["street"], association_id=assoc.pk, decision=S.REFUSED)
    assert exc.value.code == "association.reason_required"
    services.decide_association(
        actor=staff["street"], association_id=assoc.pk, decision=S.REFUSED, reason="未提供业主委员会备案回执"
    )
    with pytest.raises(Conflict):
        services.decide_association(actor=staff["street"], association_id=assoc.pk, decision=S.APPROVED)
    assoc.refresh_from_db()
    assert (assoc.status, assoc.reason) == (S.REFUSED, "未提供业主委员会备案回执")


def test_revoking_ends_access(staff, estates):  # R-ORG-1
    assoc = Association.objects.get(organisation__memberships__user=staff["convener"])
    services.decide_association(
        actor=staff["street"], association_id=assoc.pk, decision=S.REVOKED, reason="换届"
    )
    user = User.objects.get(pk=staff["convener"].pk)
    assert not scoping.can_keep_roster(user, estates["a"])


def test_the_kind_decides_the_target(estates, geo):  # R-ORG-1
    with pytest.raises(InvalidInput):
        _register(estate=estates["a"], kind="street_office")
    with pytest.raises(InvalidInput):
        _register(division=geo["shatou"], kind="owners_committee")
    assert not User.objects.filter(username="yzw").exists()


def test_registration_refuses_bad_input_and_changes_nothing(estates):  # R-ORG-1
    bad = [
        dict(mobile="12345"),
        dict(password="123"),
        dict(real_name=" "),
    ]
    for override in bad:
        kwargs = dict(
            username="x1",
            password="A-long-enough-pw-7",
            real_name="林",
            mobile="13900001111",
            organisation_kind="owners_committee",
            organisation_name="业委会",
            estate=estates["a"],
        )
        kwargs.update(override)
        with pytest.raises(InvalidInput):
            services.register_account(**kwargs)
    assert (
        not User.objects.filter(username="x1").exists()
        and not Organisation.objects.filter(name="业委会").exists()
    )


def test_one_live_application_per_target(staff, estates):  # R-ORG-1
    user, assoc = _register(estate=estates["a"])
    with pytest.raises(Conflict):
        services.apply_association(actor=user, organisation=assoc.organisation, estate=estates["a"])


def test_scoping_stops_at_every_border(staff, estates):  # R-ORG-1
    seen = {who: set(estates_visible_to(u).values_list("name", flat=True)) for who, u in staff.items()}
    assert seen == {
        "city": {"碧海花园", "金地花园", "科苑小区"},
        "district": {"碧海花园", "金地花园"},
        "street": {"碧海花园", "金地花园"},
        "community": {"碧海花园"},
        "convener": {"碧海花园"},
        "other_convener": {"科苑小区"},
        "other_street": {"科苑小区"},
        "pending": set(),
    }


def test_organisation_owner_authorises_and_revokes_staff(staff, estates):  # R-ORG-2 (art. 31)
    user, assoc = _register_company(estates["a"], "corp", 7)
    org = assoc.organisation
    member = services.authorise_staff(
        actor=user,
        organisation_id=org.pk,
        name="陈授权",
        id_number=person_id(70),
        mobile="13900003333",
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 1, 1),
    )
    assert (member.name_masked, member.mobile_masked) == ("陈*权", "139****3333")
    with pytest.raises(Conflict):  # the same person twice
        services.authorise_staff(
            actor=user,
            organisation_id=org.pk,
            name="陈授权",
            id_number=person_id(70),
            mobile="13900003333",
            valid_from=dt.date(2026, 1, 1),
        )
    with pytest.raises(InvalidInput):  # ended before it starts
        services.authorise_staff(
            actor=user,
            organisation_id=org.pk,
            name="李",
            id_number=person_id(71),
            mobile="13900003334",
            valid_from=dt.date(2026, 2, 1),
            valid_until=dt.date(2026, 1, 1),
        )
    with pytest.raises(NotFound):  # someone else's organisation
        services.authorise_staff(
            actor=staff["convener"],
            organisation_id=org.pk,
            name="李",
            id_number=person_id(71),
            mobile="13900003334",
            valid_from=dt.date(2026, 1, 1),
        )
    services.revoke_staff(actor=user, organisation_id=org.pk, staff_id=member.pk)
    assert AuthorisedStaff.objects.get(pk=member.pk).revoked_at is not None
    assert AuditEvent.objects.filter(action__in=["staff.authorised", "staff.revoked"]).count() == 2


def test_api_tokens_are_stored_hashed_and_revocable(staff):
    from ownervote.orgs.models import ApiToken

    token, key = services.create_api_token(actor=staff["convener"], name="小程序")
    assert key.startswith("ov_") and key not in repr(list(ApiToken.objects.values_list()))
    services.revoke_api_token(actor=staff["convener"], token_id=token.pk)
    with pytest.raises(NotFound):
        services.revoke_api_token(actor=staff["street"], token_id=token.pk)


def test_reset_2fa_removes_devices_and_is_audited(staff):
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=staff["street"], name="phone", confirmed=True)
    call_command("reset_2fa", staff["street"].username, reason="手机遗失", by="陈建国")
    assert not TOTPDevice.objects.filter(user=staff["street"]).exists()
    assert AuditEvent.objects.get(action="2fa.reset").summary == {
        "username": staff["street"].username,
        "devices": 1,
        "codes_revoked": 0,
        "reason": "手机遗失",
    }


def test_an_approved_organisation_owner_gets_no_roster_access(staff, estates):  # R-ORG-2, R-SEC-1
    user, assoc = _register_company(estates["a"], "corp2", 8)
    services.decide_association(actor=staff["street"], association_id=assoc.pk, decision=S.APPROVED)
    scoping.forget(user)
    assert not estates_visible_to(user).exists()
    assert not scoping.can_keep_roster(user, estates["a"])
