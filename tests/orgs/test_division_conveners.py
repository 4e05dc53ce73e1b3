"""R-ORG-3 (a street office convenes an estate of its street, approved by its district bureau,
art. 33) and R-ORG-4 (a community committee convenes an estate of its community, approved by its
street office, art. 34): applying, who approves, the refusals, and the handover to the owners'
committee once one is approved (the history kept)."""

from __future__ import annotations

import pytest

from ownervote.audit.models import AuditEvent
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.meetings import services as meeting_services
from ownervote.meetings.models import Meeting
from ownervote.notify.models import Notification
from ownervote.orgs import scoping, services
from ownervote.orgs.errors import Code
from ownervote.orgs.models import Association, Organisation
from ownervote.roster.models import Estate
from tests.meetings.conftest import meeting_input

S = Association.Status


def org_of(user) -> Organisation:
    return Organisation.objects.get(memberships__user=user)


@pytest.fixture
def estate_d(geo):
    """An estate of Shazui community (Shatou street) with no owners' committee."""
    return Estate.objects.create(name="沙嘴新村", street=geo["shatou"], community=geo["shazui"])


def apply(user, estate):
    return services.apply_association(
        actor=user, organisation=org_of(user), estate=estate, note="依法代为召集"
    )


def test_r_org_3_a_street_office_applies_and_its_district_approves(staff, estates):
    assoc = apply(staff["street"], estates["b"])
    assert (assoc.status, scoping.approver_kind(assoc)) == (S.PENDING, "district_bureau")
    with pytest.raises(Forbidden):  # nobody approves their own work: it sees it, may not decide
        services.decide_association(actor=staff["street"], association_id=assoc.pk, decision=S.APPROVED)
    for who in ("other_street", "city", "community"):
        with pytest.raises(NotFound):
            services.decide_association(actor=staff[who], association_id=assoc.pk, decision=S.APPROVED)
    services.decide_association(actor=staff["district"], association_id=assoc.pk, decision=S.APPROVED)
    scoping.forget(staff["street"])
    assert scoping.can_keep_roster(staff["street"], estates["b"])
    assert scoping.convener_kinds_of(estates["b"]) == {"street_office"}
    assert scoping.supervisor_of(estates["b"]) == ("district_bureau", estates["b"].street.parent_id)


def test_r_org_4_a_community_committee_applies_and_the_street_office_approves(staff, estate_d):
    assoc = apply(staff["community"], estate_d)
    assert scoping.approver_kind(assoc) == "street_office"
    with pytest.raises(NotFound):
        services.decide_association(actor=staff["district"], association_id=assoc.pk, decision=S.APPROVED)
    services.decide_association(actor=staff["street"], association_id=assoc.pk, decision=S.APPROVED)
    scoping.forget(staff["community"])
    assert scoping.can_keep_roster(staff["community"], estate_d)
    assert scoping.supervisor_of(estate_d) == ("street_office", estate_d.street_id)


def test_r_org_3_a_street_office_convenes_only_in_its_street(staff, estates):
    with pytest.raises(InvalidInput) as exc:
        apply(staff["street"], estates["c"])  # Yuehai street, not Shatou
    assert exc.value.code == Code.ASSOCIATION_OUTSIDE_DIVISION
    assert "街道" in str(exc.value.message)
    assert not Association.objects.filter(estate=estates["c"], organisation__kind="street_office").exists()


def test_r_org_4_a_community_committee_convenes_only_in_its_community(staff, estates):
    for estate in (estates["b"], estates["c"]):  # no community; another street's community
        with pytest.raises(InvalidInput) as exc:
            apply(staff["community"], estate)
        assert exc.value.code == Code.ASSOCIATION_OUTSIDE_DIVISION


def test_r_org_3_a_pending_division_association_is_not_enough(make_staff, geo, estates):
    pending = make_staff("street_office", division=geo["shatou"], status="pending")
    with pytest.raises(InvalidInput) as exc:
        apply(pending, estates["b"])
    assert exc.value.code == Code.ASSOCIATION_OUTSIDE_DIVISION


def test_r_org_3_an_estate_with_an_owners_committee_is_refused(staff, estates):
    with pytest.raises(Conflict) as exc:
        apply(staff["street"], estates["a"])  # the convener of estate a is its owners' committee
    assert exc.value.code == Code.ASSOCIATION_ESTATE_HAS_COMMITTEE


def test_r_org_4_the_approval_is_refused_once_a_committee_was_approved(staff, make_staff, estate_d):
    assoc = apply(staff["community"], estate_d)
    make_staff("owners_committee", estate=estate_d)
    with pytest.raises(Conflict) as exc:
        services.decide_association(actor=staff["street"], association_id=assoc.pk, decision=S.APPROVED)
    assert exc.value.code == Code.ASSOCIATION_ESTATE_HAS_COMMITTEE
    assert Association.objects.get(pk=assoc.pk).status == S.PENDING


def test_registration_still_takes_a_division_for_a_street_office(estates):  # R-ORG-1, R-ORG-3
    with pytest.raises(InvalidInput):
        services.register_account(
            username="jd",
            password="A-long-enough-pw-7",
            real_name="林街道",
            mobile="13900001111",
            organisation_kind="street_office",
            organisation_name="沙头街道办事处",
            estate=estates["b"],
        )


# --- handover (R-ORG-3, R-ORG-4) ---------------------------------------------------------------


@pytest.fixture
def street_convenes_b(staff, estates):
    assoc = apply(staff["street"], estates["b"])
    services.decide_association(actor=staff["district"], association_id=assoc.pk, decision=S.APPROVED)
    scoping.forget(staff["street"])
    return assoc


def committee_applies(estate):
    user, assoc = services.register_account(
        username="yzw",
        password="A-long-enough-pw-7",
        real_name="林业委",
        mobile="13900001111",
        organisation_kind="owners_committee",
        organisation_name="金地花园业主委员会",
        estate=estate,
    )
    return user, assoc


def test_r_org_3_the_street_office_hands_over_to_the_owners_committee(staff, estates, street_convenes_b):
    _, committee = committee_applies(estates["b"])
    services.decide_association(actor=staff["street"], association_id=committee.pk, decision=S.APPROVED)
    ended = Association.objects.get(pk=street_convenes_b.pk)
    assert ended.status == S.HANDED_OVER and "金地花园业主委员会" in ended.reason
    scoping.forget(staff["street"])
    assert not scoping.can_keep_roster(staff["street"], estates["b"])
    assert scoping.can_see_estate(staff["street"], estates["b"])  # still its street
    assert scoping.convener_kinds_of(estates["b"]) == {"owners_committee"}
    assert scoping.supervisor_of(estates["b"]) == ("street_office", estates["b"].street_id)
    event = AuditEvent.objects.get(action="association.handed_over")
    assert event.estate_id == estates["b"].pk and event.summary["committee"] == "金地花园业主委员会"
    told = Notification.objects.get(kind="association.handed_over")
    assert told.user == staff["street"] and "金地花园" in told.title


def test_r_org_3_a_meeting_underway_holds_the_handover(staff, estates, street_convenes_b):
    meeting = meeting_services.meeting_create(
        actor=staff["street"], estate_id=estates["b"].pk, **meeting_input(25, place="金地花园会所")
    )
    _, committee = committee_applies(estates["b"])
    with pytest.raises(Conflict) as exc:
        services.decide_association(actor=staff["street"], association_id=committee.pk, decision=S.APPROVED)
    assert exc.value.code == Code.ASSOCIATION_HANDOVER_UNFINISHED
    assert meeting.title in str(exc.value.message)
    assert Association.objects.get(pk=committee.pk).status == S.PENDING
    assert Association.objects.get(pk=street_convenes_b.pk).status == S.APPROVED
    assert not Notification.objects.filter(kind="association.handed_over").exists()
    meeting_services.meeting_cancel(actor=staff["street"], meeting_id=meeting.pk, reason="业主委员会已成立")
    services.decide_association(actor=staff["street"], association_id=committee.pk, decision=S.APPROVED)
    assert Association.objects.get(pk=street_convenes_b.pk).status == S.HANDED_OVER
    assert Meeting.objects.get(pk=meeting.pk).convener.kind == "street_office"  # history kept


def test_r_org_4_the_community_committee_hands_over_too(staff, estate_d):
    assoc = apply(staff["community"], estate_d)
    services.decide_association(actor=staff["street"], association_id=assoc.pk, decision=S.APPROVED)
    _, committee = committee_applies(estate_d)
    services.decide_association(actor=staff["street"], association_id=committee.pk, decision=S.APPROVED)
    assert Association.objects.get(pk=assoc.pk).status == S.HANDED_OVER
    with pytest.raises(Conflict):  # handed over is final
        services.decide_association(
            actor=staff["street"], association_id=assoc.pk, decision=S.REVOKED, reason="x"
        )
