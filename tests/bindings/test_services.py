"""R-BIND-1 (a verified owner binds a flat they own in the roster; art. 9 last para.) and
R-ORG-2 (an organisation's authorised staff bind its flats; art. 31)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownervote.audit.models import AuditEvent
from ownervote.bindings import selectors, services
from ownervote.bindings.models import Binding
from ownervote.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ownervote.notify.models import Notification, OutboxMessage
from ownervote.roster.models import Flat, Owner
from tests.owners import verified_person
from tests.rosterfiles import mobile, person_id


def _state():
    return (Binding.objects.count(), AuditEvent.objects.filter(action__startswith="binding.").count())


def test_a_person_who_is_not_an_owner_of_the_flat_cannot_bind_it(owner_world):  # R-BIND-1
    before = _state()
    with pytest.raises(InvalidInput) as exc:  # 张三 owns 1栋-101, not 1栋-201 (赵六's)
        services.bind_flat(actor=owner_world["zhang"], flat_id=owner_world["flats"]["1栋-201"].pk)
    assert exc.value.code == "binding.not_owner" and exc.value.status == 422
    assert "召集人" in str(exc.value.message)  # tells them whom to ask (tests run in Chinese)
    stranger = verified_person(mobile(60), "孙八", person_id(60))  # verified, owns nothing here
    with pytest.raises(InvalidInput):
        services.bind_flat(actor=stranger, flat_id=owner_world["flats"]["1栋-101"].pk)
    # The same name is not enough: the ID number decides.
    namesake = verified_person(mobile(61), "张三", person_id(61))
    with pytest.raises(InvalidInput):
        services.bind_flat(actor=namesake, flat_id=owner_world["flats"]["1栋-101"].pk)
    assert _state() == before  # nothing written


def test_an_unverified_person_cannot_bind(owner_world):  # R-BIND-1
    before = _state()
    with pytest.raises(Forbidden) as exc:
        services.bind_flat(actor=owner_world["newcomer"], flat_id=owner_world["flats"]["1栋-101"].pk)
    assert exc.value.code == "binding.not_verified"
    assert str(exc.value.message) == "请先完成身份验证。"
    assert _state() == before


def test_a_missing_or_removed_flat_is_not_found(owner_world):  # R-BIND-1
    with pytest.raises(NotFound):
        services.bind_flat(actor=owner_world["wang"], flat_id=999_999)
    flat = owner_world["flats"]["1栋-102"]
    Flat.objects.filter(pk=flat.pk).update(removed_at=timezone.now())
    with pytest.raises(NotFound):
        services.bind_flat(actor=owner_world["wang"], flat_id=flat.pk)


def test_co_owners_each_bind_the_same_flat(owner_world):  # R-BIND-1
    flat = owner_world["flats"]["1栋-102"]
    binding = services.bind_flat(actor=owner_world["wang"], flat_id=flat.pk)
    assert binding.status == Binding.Status.ACTIVE
    assert binding.owner.id_number_hash == owner_world["wang"].verified_identity.id_number_hash
    assert binding.staff is None
    assert binding.verification_id == owner_world["wang"].verified_identity.verification_id
    assert set(Binding.objects.filter(flat=flat, status="active").values_list("user__pk", flat=True)) == {
        owner_world["li"].pk,
        owner_world["wang"].pk,
    }
    event = AuditEvent.objects.get(action="binding.created", object_id=str(binding.pk))
    assert event.stream == f"estate:{flat.estate_id}" and event.actor_id == owner_world["wang"].pk
    assert "王五" not in str(event.summary) and person_id(3) not in str(event.summary)  # R-SEC-1
    with pytest.raises(Conflict) as exc:  # one active binding per person per flat
        services.bind_flat(actor=owner_world["wang"], flat_id=flat.pk)
    assert exc.value.code == "binding.already_bound"


def test_an_owner_of_two_flats_binds_both_and_an_ended_binding_can_be_renewed(owner_world):  # R-BIND-1
    zhang, flats = owner_world["zhang"], owner_world["flats"]
    parking = services.bind_flat(actor=zhang, flat_id=flats["车库-P001"].pk)
    assert selectors.active_bindings(zhang).count() == 2
    services.binding_end(actor=zhang, binding_id=parking.pk)
    again = services.bind_flat(actor=zhang, flat_id=flats["车库-P001"].pk)
    assert again.pk != parking.pk and again.status == "active"


def test_owner_id_picks_among_matches_and_a_wrong_one_is_refused(owner_world):  # R-BIND-1
    wang, flat = owner_world["wang"], owner_world["flats"]["1栋-102"]
    li_owner = Owner.objects.get(
        estate=flat.estate, id_number_hash=owner_world["li"].verified_identity.id_number_hash
    )
    with pytest.raises(InvalidInput):  # 王五 cannot bind as 李四
        services.bind_flat(actor=wang, flat_id=flat.pk, owner_id=li_owner.pk)
    own = Owner.objects.get(estate=flat.estate, id_number_hash=wang.verified_identity.id_number_hash)
    assert services.bind_flat(actor=wang, flat_id=flat.pk, owner_id=own.pk).owner == own


def test_on_site_binding_is_recorded_under_the_convener(owner_world, staff):  # R-BIND-1, R-ID-2
    wang = owner_world["wang"]
    flat = owner_world["flats"]["1栋-102"]
    binding = services.bind_flat(actor=wang, flat_id=flat.pk, performed_by=staff["convener"])
    assert binding.user == wang
    event = AuditEvent.objects.get(action="binding.created", object_id=str(binding.pk))
    assert event.actor_id == staff["convener"].pk and event.summary["on_site_by"] == staff["convener"].pk
    with pytest.raises(Forbidden):  # another estate's convener cannot bind here on site
        services.bind_flat(
            actor=owner_world["zhang"],
            flat_id=owner_world["flats"]["车库-P001"].pk,
            performed_by=staff["other_convener"],
        )
    assert not Binding.objects.filter(flat=owner_world["flats"]["车库-P001"]).exists()


def test_authorised_staff_bind_their_organisations_flat(owner_world, authorise):  # R-ORG-2, R-BIND-1
    chen = verified_person(mobile(70), "陈授权", person_id(70))
    flat = owner_world["flats"]["2栋-301"]  # the developer's (credit_code(1))
    with pytest.raises(InvalidInput):  # not authorised yet
        services.bind_flat(actor=chen, flat_id=flat.pk)
    staff_row = authorise(person_id(70))
    binding = services.bind_flat(actor=chen, flat_id=flat.pk)
    assert binding.staff == staff_row and binding.owner.kind == Owner.Kind.DEVELOPER
    suggestions = selectors.my_matching_flats(chen, flat.estate)
    assert {str(s.flat) for s in suggestions} == {"2栋-301", "2栋-302"}
    assert [s.bound for s in suggestions] == [True, False]
    # Authorised by the developer does not make them an owner of anybody else's flat.
    with pytest.raises(InvalidInput):
        services.bind_flat(actor=chen, flat_id=owner_world["flats"]["1栋-201"].pk)


@pytest.mark.parametrize(
    "term",
    [
        {"revoked": True},
        {"valid_from": -30, "valid_until": -1},  # expired yesterday
        {"valid_from": 1},  # starts tomorrow
    ],
    ids=["revoked", "expired", "not-yet"],
)
def test_an_authorisation_not_in_force_cannot_bind(owner_world, authorise, term):  # R-ORG-2
    chen = verified_person(mobile(70), "陈授权", person_id(70))
    authorise(person_id(70), **term)
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        services.bind_flat(actor=chen, flat_id=owner_world["flats"]["2栋-301"].pk)
    assert exc.value.code == "binding.not_owner"
    assert _state() == before
    assert selectors.my_matching_flats(chen, owner_world["flats"]["2栋-301"].estate) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.integers(-400, 400), length=st.one_of(st.none(), st.integers(0, 800)))
def test_an_authorisation_is_in_force_from_its_first_to_its_last_day(owner_world, authorise, start, length):
    # R-ORG-2: valid_from <= today <= valid_until (or no end), boundaries included.
    end = None if length is None else start + length
    with transaction.atomic():
        chen = verified_person(mobile(70), "陈授权", person_id(70))
        authorise(person_id(70), valid_from=start, valid_until=end)
        in_force = start <= 0 and (end is None or end >= 0)
        found = selectors.matches(chen.verified_identity, flat_id=owner_world["flats"]["2栋-301"].pk)
        assert bool(found) == in_force
        transaction.set_rollback(True)


def test_an_owner_ends_their_own_binding_and_not_anothers(owner_world):  # R-BIND-1
    zhang, li = owner_world["zhang"], owner_world["li"]
    zb, lb = owner_world["zhang_binding"], owner_world["li_binding"]
    for someone in (li, owner_world["wang"], owner_world["newcomer"]):
        with pytest.raises(NotFound):
            services.binding_end(actor=someone, binding_id=zb.pk)
    assert Binding.objects.get(pk=zb.pk).status == "active"
    ended = services.binding_end(actor=zhang, binding_id=zb.pk)
    assert (ended.status, ended.end_reason, ended.ended_by) == ("ended", "by_owner", zhang)
    assert ended.ended_at is not None
    assert AuditEvent.objects.filter(action="binding.ended", object_id=str(zb.pk), actor=zhang).exists()
    with pytest.raises(Conflict):  # already ended
        services.binding_end(actor=zhang, binding_id=zb.pk)
    assert Binding.objects.get(pk=lb.pk).status == "active"
    assert not Notification.objects.filter(user=zhang).exists()  # they did it themself: no message


def test_end_binding_for_other_services(owner_world, staff, django_capture_on_commit_callbacks):  # R-BIND-4
    zhang = owner_world["zhang"]
    with django_capture_on_commit_callbacks(), transaction.atomic():
        binding = Binding.objects.select_for_update().get(pk=owner_world["zhang_binding"].pk)
        services.end_binding(
            binding=binding,
            reason=Binding.EndReason.OBJECTION_UPHELD,
            note="101房已于去年出售",
            ended_by=staff["convener"],
        )
    binding.refresh_from_db()
    assert (binding.status, binding.end_reason, binding.end_note) == (
        "ended",
        "objection_upheld",
        "101房已于去年出售",
    )
    assert binding.ended_by == staff["convener"]
    event = AuditEvent.objects.get(action="binding.ended", object_id=str(binding.pk))
    assert event.actor_id == staff["convener"].pk and event.summary["reason"] == "objection_upheld"
    note = Notification.objects.get(user=zhang, kind="binding.ended")
    assert "1栋-101" in note.body and "101房已于去年出售" in note.body
    # The SMS copy waits in the outbox, written in the same transaction, for the worker.
    assert OutboxMessage.objects.get(user=zhang, channel="sms", kind="binding.ended").status == "pending"
    with pytest.raises(InvalidInput):
        services.end_binding(binding=binding, reason="whatever", note="", ended_by=staff["convener"])


def test_selectors(owner_world, estates):  # R-BIND-1
    zhang = owner_world["zhang"]
    assert list(selectors.active_bindings(zhang)) == [owner_world["zhang_binding"]]
    assert selectors.is_bound_in(zhang, estates["a"]) and not selectors.is_bound_in(zhang, estates["c"])
    assert not selectors.is_bound_in(owner_world["wang"], estates["a"])
    assert [e.name for e in selectors.estate_search("碧海")] == ["碧海花园"]
    assert list(selectors.estate_search("  ")) == []
    flats = selectors.flats_of_estate(estates["a"])
    assert [str(f) for f in flats] == [
        "1栋-101",
        "1栋-102",
        "1栋-201",
        "2栋-201",
        "2栋-301",
        "2栋-302",
        "车库-P001",
    ]
    # Suggestions only ever answer for the person themself.
    assert [str(s.flat) for s in selectors.my_matching_flats(zhang, estates["a"])] == ["1栋-101", "车库-P001"]
    assert [str(s.flat) for s in selectors.my_matching_flats(owner_world["wang"], estates["a"])] == [
        "1栋-102"
    ]
    assert selectors.my_matching_flats(owner_world["newcomer"], estates["a"]) == []
    assert selectors.my_matching_flats(zhang, estates["c"]) == []


def test_estate_search_is_capped_at_20(geo):  # R-BIND-1
    from ownervote.roster.models import Estate

    for i in range(25):
        Estate.objects.create(name=f"阳光花园{i:02d}期", street=geo["shatou"], address="沙头街道")
    assert len(selectors.estate_search("阳光")) == 20
    assert len(selectors.estate_search("沙头街道")) == 20  # by address too
